package io.quarkiverse.aio.internal.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * The kernel structures and constants of Linux AIO ({@code include/uapi/linux/aio_abi.h}), {@code statx(2)} and
 * {@code open(2)} that are the same on every supported architecture (both are little-endian and 64-bit).
 * Offsets are derived from the layouts so that each is written once; {@code KernelAbiTest} checks them against the
 * numbers of the C headers.
 */
public final class KernelAbi {

    /** {@code struct iocb}: one request handed to {@code io_submit}. */
    public static final StructLayout IOCB = MemoryLayout.structLayout(
            JAVA_LONG.withName("aio_data"), // returned verbatim in io_event.data: we store the slot index
            JAVA_INT.withName("aio_key"),
            JAVA_INT.withName("aio_rw_flags"), // RWF_* per request
            JAVA_SHORT.withName("aio_lio_opcode"),
            JAVA_SHORT.withName("aio_reqprio"),
            JAVA_INT.withName("aio_fildes"),
            JAVA_LONG.withName("aio_buf"),
            JAVA_LONG.withName("aio_nbytes"),
            JAVA_LONG.withName("aio_offset"),
            JAVA_LONG.withName("aio_reserved2"),
            JAVA_INT.withName("aio_flags"), // IOCB_FLAG_*
            JAVA_INT.withName("aio_resfd")).withName("iocb");

    public static final long IOCB_DATA = IOCB.byteOffset(groupElement("aio_data"));
    public static final long IOCB_KEY = IOCB.byteOffset(groupElement("aio_key"));
    public static final long IOCB_RW_FLAGS = IOCB.byteOffset(groupElement("aio_rw_flags"));
    public static final long IOCB_OPCODE = IOCB.byteOffset(groupElement("aio_lio_opcode"));
    public static final long IOCB_REQPRIO = IOCB.byteOffset(groupElement("aio_reqprio"));
    public static final long IOCB_FILDES = IOCB.byteOffset(groupElement("aio_fildes"));
    public static final long IOCB_BUF = IOCB.byteOffset(groupElement("aio_buf"));
    public static final long IOCB_NBYTES = IOCB.byteOffset(groupElement("aio_nbytes"));
    public static final long IOCB_OFFSET = IOCB.byteOffset(groupElement("aio_offset"));
    public static final long IOCB_RESERVED2 = IOCB.byteOffset(groupElement("aio_reserved2"));
    public static final long IOCB_FLAGS = IOCB.byteOffset(groupElement("aio_flags"));
    public static final long IOCB_RESFD = IOCB.byteOffset(groupElement("aio_resfd"));

    /** {@code struct io_event}: one completion returned by {@code io_getevents}. */
    public static final StructLayout IO_EVENT = MemoryLayout.structLayout(
            JAVA_LONG.withName("data"), // the iocb's aio_data
            JAVA_LONG.withName("obj"), // the iocb's user-space address
            JAVA_LONG.withName("res"), // bytes transferred, or -errno
            JAVA_LONG.withName("res2")).withName("io_event");

    public static final long EVENT_DATA = IO_EVENT.byteOffset(groupElement("data"));
    public static final long EVENT_RES = IO_EVENT.byteOffset(groupElement("res"));

    /** {@code struct timespec} on a 64-bit kernel. */
    public static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"),
            JAVA_LONG.withName("tv_nsec")).withName("timespec");

    // IOCB_CMD_* (enum in aio_abi.h)
    public static final short IOCB_CMD_PREAD = 0;
    public static final short IOCB_CMD_PWRITE = 1;
    public static final short IOCB_CMD_FSYNC = 2;
    public static final short IOCB_CMD_FDSYNC = 3;
    public static final short IOCB_CMD_POLL = 5; // Linux 4.18+
    public static final short IOCB_CMD_PREADV = 7;
    public static final short IOCB_CMD_PWRITEV = 8;

    /** {@code struct iovec}: one buffer of a vectored read or write. */
    public static final StructLayout IOVEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("iov_base"),
            JAVA_LONG.withName("iov_len")).withName("iovec");

    /** The most buffers one vectored operation takes ({@code UIO_MAXIOV}). */
    public static final int UIO_MAXIOV = 1024;

    /** aio_flags: signal the eventfd in aio_resfd when the operation completes. */
    public static final int IOCB_FLAG_RESFD = 1;

    /** poll(2) event: readable. IOCB_CMD_POLL takes the event mask in aio_buf. */
    public static final long POLLIN = 0x1;

    /** {@code struct pollfd} of poll(2): {@code int fd; short events; short revents;}. */
    public static final long POLLFD_SIZE = 8, POLLFD_FD = 0, POLLFD_EVENTS = 4;

    // eventfd(2) flags (the values of O_CLOEXEC and O_NONBLOCK, equal on x86_64 and aarch64)
    public static final int EFD_CLOEXEC = 02000000;
    public static final int EFD_NONBLOCK = 04000;

    // struct statx (include/uapi/linux/stat.h): 256 bytes; only the fields this library reads are named.
    public static final long STATX_SIZE_BYTES = 256;
    public static final long STX_MASK = 0;
    public static final long STX_BLKSIZE = 4;
    public static final long STX_MODE = 28;
    public static final long STX_SIZE = 40;
    public static final long STX_RDEV_MAJOR = 128;
    public static final long STX_RDEV_MINOR = 132;
    public static final long STX_DEV_MAJOR = 136;
    public static final long STX_DEV_MINOR = 140;
    public static final long STX_DIO_MEM_ALIGN = 152;
    public static final long STX_DIO_OFFSET_ALIGN = 156;
    public static final long STX_ATOMIC_WRITE_UNIT_MIN = 168;
    public static final long STX_ATOMIC_WRITE_UNIT_MAX = 172;

    // statx mask bits and flags
    public static final int STATX_TYPE = 0x1;
    public static final int STATX_MODE = 0x2;
    public static final int STATX_SIZE = 0x200;
    public static final int STATX_DIOALIGN = 0x2000;
    public static final int STATX_WRITE_ATOMIC = 0x10000; // Linux 6.11+

    // fcntl(2) open file description locks: struct flock is the same on x86_64 and aarch64
    public static final int F_OFD_SETLK = 37;
    public static final short F_WRLCK = 1, F_UNLCK = 2;
    public static final int SEEK_SET = 0;
    public static final long FLOCK_SIZE = 32, FLOCK_L_TYPE = 0, FLOCK_L_WHENCE = 2;

    /** fallocate(2) mode: zero the range, keeping its blocks allocated. */
    public static final int FALLOC_FL_ZERO_RANGE = 0x10;
    public static final int AT_EMPTY_PATH = 0x1000;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** The dirfd meaning "relative to the working directory". */
    public static final int AT_FDCWD = -100;

    // st_mode file types
    public static final int S_IFMT = 0170000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFDIR = 0040000;

    // open(2) flags that are the same on x86_64 and aarch64 (the others are in Arch)
    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 01;
    public static final int O_RDWR = 02;
    public static final int O_CREAT = 0100;
    public static final int O_EXCL = 0200;
    public static final int O_TRUNC = 01000;
    public static final int O_DSYNC = 010000;
    public static final int O_SYNC = 04010000; // includes O_DSYNC
    public static final int O_CLOEXEC = 02000000;

    /** Permission bits for files this library creates: like the JDK, 0666 before the umask. */
    public static final int DEFAULT_CREATE_MODE = 0666;

    private KernelAbi() {
    }
}
