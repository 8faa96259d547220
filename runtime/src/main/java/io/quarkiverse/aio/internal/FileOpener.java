package io.quarkiverse.aio.internal;

import static io.quarkiverse.aio.internal.linux.KernelAbi.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.LibC;
import io.quarkiverse.aio.internal.linux.Statx;

/** Opens a file with {@code open(2)} and learns its type and direct-I/O alignment with {@code statx(2)}. */
final class FileOpener {

    /** Used when the kernel cannot tell (statx without STATX_DIOALIGN, before Linux 6.1): safe on common disks. */
    static final int FALLBACK_ALIGNMENT = 4096;
    private static final int S_IFBLK = 0060000;
    private static final int S_IFLNK = 0120000;

    private FileOpener() {
    }

    /** @param mode the permission bits of a file it creates, before the umask */
    static EngineFile open(AioEngine engine, Path path, OpenFlags flags, int mode) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = LibC.allocateCallState(arena);
            refuseSpecialFiles(path, flags, arena, callState);
            int fd = LibC.open(callState, arena.allocateFrom(path.toString()), flags.flags(), mode);
            if (fd < 0) {
                throw Failures.open(path, LibC.errno(callState), flags.direct());
            }
            try {
                return describe(engine, path, fd, flags, arena, callState);
            } catch (IOException | RuntimeException | Error e) {
                LibC.close(callState, fd);
                throw e;
            }
        }
    }

    /**
     * Looks at the type before opening: open(2) itself blocks on a FIFO until the other end is opened. (The type is
     * checked again on the descriptor, which is what counts; this only avoids the hang.)
     */
    private static void refuseSpecialFiles(Path path, OpenFlags flags, Arena arena, MemorySegment callState)
            throws AioException {
        Statx statx = new Statx(arena);
        if (statx.ofPath(callState, arena.allocateFrom(path.toString()), flags.noFollow() ? AT_SYMLINK_NOFOLLOW : 0,
                STATX_TYPE) == 0) {
            int type = statx.type();
            if (type != S_IFLNK) { // a link with NOFOLLOW_LINKS: open(2) refuses it with ELOOP
                checkType(path, type);
            }
        } // else: let open(2) report the problem, with the exception types users expect
    }

    private static void checkType(Path path, int type) throws AioException {
        if (type == S_IFDIR) {
            throw new AioException(path + " is a directory: AIO reads and writes need a regular file or a block device",
                    Errno.EISDIR, "open");
        }
        if (type != S_IFREG && type != S_IFBLK) {
            throw new AioException(path + " is not a regular file or a block device: Linux AIO would block in"
                    + " io_submit on it", Errno.EINVAL, "open");
        }
    }

    /**
     * The logical block size of block device {@code major:minor} from sysfs (a partition's is its disk's), or
     * {@link #FALLBACK_ALIGNMENT} when there is no such device (tmpfs, overlay, network file systems).
     */
    static int logicalBlockSize(int major, int minor) {
        Path device = Path.of("/sys/dev/block/" + major + ":" + minor);
        for (Path queue : new Path[] { device.resolve("queue"), device.resolve("../queue") }) {
            try {
                int size = Integer.parseInt(Files.readAllLines(queue.resolve("logical_block_size")).get(0).trim());
                if (size >= 512 && Integer.bitCount(size) == 1) {
                    return size;
                }
            } catch (IOException | RuntimeException e) {
                // not there: try the next, then fall back
            }
        }
        return FALLBACK_ALIGNMENT;
    }

    private static EngineFile describe(AioEngine engine, Path path, int fd, OpenFlags flags, Arena arena,
            MemorySegment callState) throws IOException {
        Statx statx = new Statx(arena);
        if (statx.ofDescriptor(callState, fd, STATX_TYPE | STATX_MODE | STATX_DIOALIGN | STATX_WRITE_ATOMIC) < 0) {
            throw Failures.fileCall("statx", path, LibC.errno(callState));
        }
        int type = statx.type();
        checkType(path, type);
        // Before Linux 6.1 statx cannot tell: the device's logical block size is what direct I/O needs, else 4096.
        int fallback = type == S_IFBLK
                ? logicalBlockSize(statx.intField(STX_RDEV_MAJOR), statx.intField(STX_RDEV_MINOR))
                : logicalBlockSize(statx.intField(STX_DEV_MAJOR), statx.intField(STX_DEV_MINOR));
        int memoryAlignment = fallback;
        int offsetAlignment = fallback;
        if ((statx.mask() & STATX_DIOALIGN) != 0) {
            int memory = statx.intField(STX_DIO_MEM_ALIGN);
            int offset = statx.intField(STX_DIO_OFFSET_ALIGN);
            if (memory > 0 && offset > 0) {
                memoryAlignment = memory;
                offsetAlignment = offset;
            } else if (flags.direct()) {
                throw new AioException("open " + path + " with O_DIRECT: the file system reports that it does not"
                        + " support direct I/O on this file (tmpfs is one such); put the file on a disk-backed file"
                        + " system such as ext4 or xfs, or open it without ExtendedOpenOption.DIRECT", Errno.EINVAL,
                        "statx");
            }
        }
        // Untorn writes are direct-I/O writes; the kernel reports no units where the file system or device cannot.
        boolean atomic = flags.direct() && (statx.mask() & STATX_WRITE_ATOMIC) != 0;
        EngineFile.AtomicUnits units = new EngineFile.AtomicUnits(atomic ? statx.intField(STX_ATOMIC_WRITE_UNIT_MIN) : 0,
                atomic ? statx.intField(STX_ATOMIC_WRITE_UNIT_MAX) : 0);
        return new EngineFile(engine, fd, flags, new FileLimits(path, flags.direct(), memoryAlignment, offsetAlignment,
                FileLimits.maxTransfer(LibC.pageSize())), units);
    }
}
