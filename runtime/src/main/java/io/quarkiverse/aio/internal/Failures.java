package io.quarkiverse.aio.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import io.quarkiverse.aio.RwFlags;
import io.quarkiverse.aio.AioException;
import io.quarkiverse.aio.AioUnavailableException;
import io.quarkiverse.aio.internal.linux.Errno;
import io.quarkiverse.aio.internal.linux.KernelAbi;

/** Turns errno values into exceptions whose messages say what failed, the usual cause and what to do. */
final class Failures {

    private static final Path AIO_NR = Path.of("/proc/sys/fs/aio-nr");
    private static final Path AIO_MAX_NR = Path.of("/proc/sys/fs/aio-max-nr");

    private Failures() {
    }

    static String errnoText(int errno) {
        return Errno.name(errno) + " (" + Errno.description(errno) + ")";
    }

    /** The kernel completed {@code op} with -errno. */
    static AioException completion(OperationStage<?> op, int errno) {
        return new AioException(op.describe() + " failed: " + errnoText(errno) + hint(op, errno), errno,
                "io_getevents");
    }

    /** {@code io_submit} refused {@code op}. */
    static AioException submit(OperationStage<?> op, int errno) {
        return new AioException("io_submit refused the " + op.describe() + ": " + errnoText(errno) + hint(op, errno),
                errno, "io_submit");
    }

    private static String hint(OperationStage<?> op, int errno) {
        EngineFile file = op.file;
        return switch (errno) {
            case Errno.EINVAL -> {
                if (op.opcode == KernelAbi.IOCB_CMD_FSYNC) {
                    yield ". Asynchronous fsync needs Linux 4.18 or newer and a file system that supports it.";
                }
                if (file.isDirect()) {
                    yield ". Under O_DIRECT the buffer address must be a multiple of " + file.memoryAlignment()
                            + " and the length and position multiples of " + file.offsetAlignment()
                            + " bytes; allocate buffers with AioFile.allocate(...).";
                }
                yield ".";
            }
            case Errno.ENOSPC -> ". The file system holding " + file.path() + " is full.";
            case Errno.EDQUOT -> ". The disk quota of this user is exhausted.";
            case Errno.EFBIG -> ". The write would pass the largest file size allowed (file system limit or ulimit -f).";
            case Errno.EBADF -> ". The file is not open for this kind of access.";
            case Errno.EIO -> ". The device reported an I/O error; check the kernel log (dmesg).";
            case Errno.EOPNOTSUPP -> (op.rwFlags & RwFlags.DONTCACHE.bits()) != 0
                    ? ". RWF_DONTCACHE needs Linux 6.14 or newer and a file system that supports uncached buffered"
                            + " I/O (" + file.path() + " is on one that does not, or this kernel is older)."
                    : ".";
            default -> ".";
        };
    }

    /** {@code io_setup(queueDepth)} failed. */
    static AioException ioSetup(int errno, int queueDepth) {
        String prefix = "io_setup(" + queueDepth + ") failed: " + errnoText(errno) + ". ";
        return switch (errno) {
            case Errno.EAGAIN -> {
                String nr = readProc(AIO_NR);
                String max = readProc(AIO_MAX_NR);
                yield new AioUnavailableException(prefix + "The system-wide limit of AIO events is reached: fs.aio-nr = "
                        + nr + ", fs.aio-max-nr = " + max + ", and this context asks for " + queueDepth
                        + " more. Raise the limit (sysctl -w fs.aio-max-nr=<larger value>, or a file in /etc/sysctl.d),"
                        + " close other AIO contexts, or lower quarkus.aio.queue-depth.", errno, "io_setup");
            }
            case Errno.ENOSYS -> new AioUnavailableException(prefix
                    + "This kernel was built without AIO (CONFIG_AIO) or a sandbox hides the call.", errno, "io_setup");
            case Errno.EPERM -> new AioUnavailableException(prefix
                    + "A seccomp profile (container runtime or systemd) denies io_setup; allow io_setup, io_submit,"
                    + " io_getevents, io_cancel and io_destroy.", errno, "io_setup");
            case Errno.ENOMEM -> new AioException(prefix + "The kernel could not allocate the completion ring;"
                    + " lower quarkus.aio.queue-depth.", errno, "io_setup");
            case Errno.EINVAL -> new AioException(prefix + "The queue depth is out of the kernel's range.", errno,
                    "io_setup");
            default -> new AioException(prefix, errno, "io_setup");
        };
    }

    /** {@code open(2)} failed on {@code path}: the JDK's exception types where users expect them. */
    static IOException open(Path path, int errno, boolean direct) {
        String file = path.toString();
        return switch (errno) {
            case Errno.ENOENT -> new NoSuchFileException(file);
            case Errno.EEXIST -> new FileAlreadyExistsException(file);
            case Errno.EACCES, Errno.EPERM -> new AccessDeniedException(file, null, errnoText(errno));
            case Errno.EINVAL -> new AioException("open " + file + " failed: " + errnoText(errno)
                    + (direct ? ". The file system refuses O_DIRECT (tmpfs and some network and FUSE file systems do):"
                            + " put the file on a disk-backed file system such as ext4 or xfs, or open it without"
                            + " ExtendedOpenOption.DIRECT."
                            : "."),
                    errno, "open");
            case Errno.EISDIR -> new AioException("open " + file + " failed: " + errnoText(errno)
                    + ". A directory cannot be opened for writing.", errno, "open");
            case Errno.EMFILE -> new AioException("open " + file + " failed: " + errnoText(errno)
                    + ". The process has reached its limit of open files (ulimit -n).", errno, "open");
            default -> new AioException("open " + file + " failed: " + errnoText(errno) + ".", errno, "open");
        };
    }

    /** A synchronous call on an open file failed. */
    static AioException fileCall(String call, Path path, int errno) {
        return new AioException(call + " on " + path + " failed: " + errnoText(errno) + ".", errno, call);
    }

    private static String readProc(Path file) {
        try {
            // Line by line: /proc files report size 0, and reading them whole returned one byte here.
            return Files.readAllLines(file).get(0).trim();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
