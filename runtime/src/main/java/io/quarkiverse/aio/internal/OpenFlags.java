package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.*;

import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

import io.quarkiverse.aio.AioOpenOption;
import io.quarkiverse.aio.internal.linux.Arch;

/**
 * Translates Java open options into {@code open(2)} flags, the way {@code FileChannel.open} interprets them: without
 * READ or WRITE a file is opened for reading, and CREATE, CREATE_NEW and TRUNCATE_EXISTING only count for writing.
 */
record OpenFlags(int flags, boolean readable, boolean writable, boolean direct, boolean noFollow) {

    /** {@code com.sun.nio.file.ExtendedOpenOption.DIRECT}, matched by name: the class is JDK-internal API. */
    private static final String DIRECT = "DIRECT";

    static OpenFlags of(Arch arch, OpenOption... options) {
        boolean read = false, write = false, create = false, createNew = false, truncate = false, direct = false;
        boolean dsync = false, sync = false, noFollow = false;
        for (OpenOption option : options) {
            Objects.requireNonNull(option, "open option");
            if (option instanceof StandardOpenOption standard) {
                switch (standard) {
                    case READ -> read = true;
                    case WRITE -> write = true;
                    case CREATE -> create = true;
                    case CREATE_NEW -> createNew = true;
                    case TRUNCATE_EXISTING -> truncate = true;
                    case DSYNC -> dsync = true;
                    case SYNC -> sync = true;
                    case SPARSE -> {
                        // A hint that FileChannel may ignore too: Linux files are sparse when written sparsely.
                    }
                    case APPEND -> throw new UnsupportedOperationException(
                            "APPEND is not supported: every AIO write names its position, and O_APPEND would make"
                                    + " Linux ignore it. Write at AioFile.size() instead.");
                    case DELETE_ON_CLOSE -> throw new UnsupportedOperationException(
                            "DELETE_ON_CLOSE is not supported by AioContext.open: delete the file after closing it.");
                }
            } else if (option == AioOpenOption.DIRECT) {
                direct = true;
            } else if (option == LinkOption.NOFOLLOW_LINKS) {
                noFollow = true;
            } else if (option.getClass().getName().equals("com.sun.nio.file.ExtendedOpenOption")
                    && option.toString().equals(DIRECT)) {
                direct = true;
            } else {
                throw new UnsupportedOperationException("Open option " + option + " (" + option.getClass().getName()
                        + ") is not supported by AioContext.open. Supported: READ, WRITE, CREATE, CREATE_NEW,"
                        + " TRUNCATE_EXISTING, DSYNC, SYNC, SPARSE, NOFOLLOW_LINKS, AioOpenOption.DIRECT and"
                        + " ExtendedOpenOption.DIRECT.");
            }
        }
        if (!read && !write) {
            read = true;
        }
        int flags = (read && write) ? O_RDWR : write ? O_WRONLY : O_RDONLY;
        flags |= O_CLOEXEC;
        if (write) {
            if (createNew) {
                flags |= O_CREAT | O_EXCL;
            } else if (create) {
                flags |= O_CREAT;
            }
            if (truncate) {
                flags |= O_TRUNC;
            }
        }
        if (sync) {
            flags |= O_SYNC;
        } else if (dsync) {
            flags |= O_DSYNC;
        }
        if (direct) {
            flags |= arch.oDirect;
        }
        if (noFollow) {
            flags |= arch.oNofollow;
        }
        return new OpenFlags(flags, read, write, direct, noFollow);
    }
}
