package io.quarkiverse.aio.internal.linux;

/**
 * Names and descriptions of the errno values this library meets ({@code include/uapi/asm-generic/errno-base.h} and
 * {@code errno.h}: the numbers are the same on x86_64 and aarch64).
 */
public final class Errno {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EEXIST = 17;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int EMFILE = 24;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int EROFS = 30;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ELOOP = 40;
    public static final int EOPNOTSUPP = 95;
    public static final int EDQUOT = 122;
    public static final int ECANCELED = 125;
    public static final int EINPROGRESS = 115;

    private static final String[][] TABLE = new String[134][];

    static {
        entry(1, "EPERM", "Operation not permitted");
        entry(2, "ENOENT", "No such file or directory");
        entry(3, "ESRCH", "No such process");
        entry(4, "EINTR", "Interrupted system call");
        entry(5, "EIO", "Input/output error");
        entry(6, "ENXIO", "No such device or address");
        entry(7, "E2BIG", "Argument list too long");
        entry(9, "EBADF", "Bad file descriptor");
        entry(11, "EAGAIN", "Resource temporarily unavailable");
        entry(12, "ENOMEM", "Cannot allocate memory");
        entry(13, "EACCES", "Permission denied");
        entry(14, "EFAULT", "Bad address");
        entry(16, "EBUSY", "Device or resource busy");
        entry(17, "EEXIST", "File exists");
        entry(18, "EXDEV", "Invalid cross-device link");
        entry(19, "ENODEV", "No such device");
        entry(20, "ENOTDIR", "Not a directory");
        entry(21, "EISDIR", "Is a directory");
        entry(22, "EINVAL", "Invalid argument");
        entry(23, "ENFILE", "Too many open files in system");
        entry(24, "EMFILE", "Too many open files");
        entry(26, "ETXTBSY", "Text file busy");
        entry(27, "EFBIG", "File too large");
        entry(28, "ENOSPC", "No space left on device");
        entry(29, "ESPIPE", "Illegal seek");
        entry(30, "EROFS", "Read-only file system");
        entry(32, "EPIPE", "Broken pipe");
        entry(36, "ENAMETOOLONG", "File name too long");
        entry(38, "ENOSYS", "Function not implemented");
        entry(40, "ELOOP", "Too many levels of symbolic links");
        entry(61, "ENODATA", "No data available");
        entry(75, "EOVERFLOW", "Value too large for defined data type");
        entry(95, "EOPNOTSUPP", "Operation not supported");
        entry(103, "ECONNABORTED", "Software caused connection abort");
        entry(110, "ETIMEDOUT", "Connection timed out");
        entry(115, "EINPROGRESS", "Operation now in progress");
        entry(116, "ESTALE", "Stale file handle");
        entry(117, "EUCLEAN", "Structure needs cleaning");
        entry(121, "EREMOTEIO", "Remote I/O error");
        entry(122, "EDQUOT", "Disk quota exceeded");
        entry(125, "ECANCELED", "Operation canceled");
    }

    private static void entry(int errno, String name, String description) {
        TABLE[errno] = new String[] { name, description };
    }

    /** The symbolic name, such as {@code EINVAL}, or {@code errno N} for a value this table lacks. */
    public static String name(int errno) {
        String[] e = lookup(errno);
        return e != null ? e[0] : "errno " + errno;
    }

    /** The C library's wording for the error, such as {@code Invalid argument}. */
    public static String description(int errno) {
        String[] e = lookup(errno);
        return e != null ? e[1] : "Unknown error " + errno;
    }

    private static String[] lookup(int errno) {
        return errno > 0 && errno < TABLE.length ? TABLE[errno] : null;
    }

    private Errno() {
    }
}
