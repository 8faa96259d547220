package io.quarkiverse.aio.internal.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * Every C function this library calls, with the exact descriptor and linker options of its downcall. This list is
 * the single source of truth: {@link LibC} links each entry, and the native-image registration is derived from it,
 * so a downcall shape cannot be used without being registered.
 */
public enum NativeFunction {

    /** {@code long syscall(long number, ...)} with one argument: io_destroy. */
    SYSCALL_1("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG), 1, true),
    /** {@code syscall} with two arguments: io_setup. */
    SYSCALL_2("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1, true),
    /** {@code syscall} with three arguments: io_submit, io_cancel. */
    SYSCALL_3("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1, true),
    /**
     * {@code syscall} with three arguments and no errno: io_submit's common path, which then skips the capture. A
     * failed io_submit queued nothing, so on -1 the call is made again with {@link #SYSCALL_3} to learn why.
     */
    SYSCALL_3_NO_ERRNO("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1,
            false),
    /** {@code syscall} with five arguments: io_getevents, statx. */
    SYSCALL_5("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), 1, true),
    /** {@code int open(const char *path, int flags, ...)}, the mode passed as the variadic argument. */
    OPEN("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), 2, true),
    /** {@code int close(int fd)} */
    CLOSE("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1, true),
    /** {@code int ftruncate(int fd, off_t length)} */
    FTRUNCATE("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG), -1, true),
    /** {@code int fallocate(int fd, int mode, off_t offset, off_t len)} */
    FALLOCATE("fallocate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), -1, true),
    /** {@code int fcntl(int fd, int cmd, ...)} with a {@code struct flock *}: AioFile.tryLock's F_OFD_SETLK. */
    FCNTL_LOCK("fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS), 2, true),
    /** {@code int eventfd(unsigned int initval, int flags)}: wakes the poller out of io_getevents. */
    EVENTFD("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1, true),
    /** {@code ssize_t write(int fd, const void *buf, size_t count)}: signals an eventfd (errno is of no use there). */
    WRITE("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1, false),
    /** {@code ssize_t read(int fd, void *buf, size_t count)}: waits on an eventfd and resets its counter. */
    READ("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), -1, false),
    /** {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}: waits on an eventfd with a time limit. */
    POLL("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1, false),
    /** {@code int posix_memalign(void **memptr, size_t alignment, size_t size)}: the library's aligned buffers. */
    POSIX_MEMALIGN("posix_memalign", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG), -1, false),
    /** {@code long sysconf(int name)}: the page size, which MAX_RW_COUNT depends on. */
    SYSCONF("sysconf", FunctionDescriptor.of(JAVA_LONG, JAVA_INT), -1, false),
    /** {@code int clock_gettime(clockid_t clock, struct timespec *tp)}: the poller's own CPU time. */
    CLOCK_GETTIME("clock_gettime", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), -1, false),
    /** {@code void *calloc(size_t count, size_t size)}: the engine's own slabs, freed deterministically. */
    CALLOC("calloc", FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG), -1, false),
    /** {@code void free(void *ptr)} */
    FREE("free", FunctionDescriptor.ofVoid(ADDRESS), -1, false);

    /** The C symbol, looked up in the C library. */
    public final String symbol;
    public final FunctionDescriptor descriptor;
    /** Index of the first variadic parameter, or -1 when the function is not variadic. */
    public final int firstVariadicArg;
    /** Whether errno is captured right after the call (the handle then takes a leading capture segment). */
    public final boolean capturesErrno;

    NativeFunction(String symbol, FunctionDescriptor descriptor, int firstVariadicArg, boolean capturesErrno) {
        this.symbol = symbol;
        this.descriptor = descriptor;
        this.firstVariadicArg = firstVariadicArg;
        this.capturesErrno = capturesErrno;
    }

    /** The linker options of this downcall, in the order the native-image registration declares them. */
    public Linker.Option[] options() {
        List<Linker.Option> options = new ArrayList<>(2);
        if (firstVariadicArg >= 0) {
            options.add(Linker.Option.firstVariadicArg(firstVariadicArg));
        }
        if (capturesErrno) {
            options.add(Linker.Option.captureCallState("errno"));
        }
        return options.toArray(Linker.Option[]::new);
    }

    MethodHandle link() {
        Linker linker = Linker.nativeLinker();
        var address = linker.defaultLookup().find(symbol)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library function not found: " + symbol));
        return linker.downcallHandle(address, descriptor, options());
    }
}
