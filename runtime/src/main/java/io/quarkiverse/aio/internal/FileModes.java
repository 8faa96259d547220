package io.quarkiverse.aio.internal;

import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import io.quarkiverse.aio.internal.linux.KernelAbi;

/** The open(2) mode of a created file, from {@code FileChannel.open}-style attributes. */
final class FileModes {

    private FileModes() {
    }

    /** The mode the attributes ask for, or 0666 (before the umask) when they name none. */
    static int of(FileAttribute<?>... attributes) {
        int mode = KernelAbi.DEFAULT_CREATE_MODE;
        for (FileAttribute<?> attribute : attributes) {
            if (!"posix:permissions".equals(attribute.name()) && !"unix:permissions".equals(attribute.name())) {
                throw new UnsupportedOperationException("the file attribute " + attribute.name() + " cannot be set"
                        + " at creation; posix:permissions (PosixFilePermissions.asFileAttribute) can");
            }
            mode = 0;
            for (Object permission : (Set<?>) attribute.value()) {
                mode |= 1 << (8 - ((PosixFilePermission) permission).ordinal()); // OWNER_READ = 0400 ... OTHERS_EXECUTE = 01
            }
        }
        return mode;
    }
}
