package io.quarkiverse.aio.internal.linux;

import java.util.Locale;
import java.util.Optional;

/**
 * The parts of the Linux ABI that differ between the supported CPU architectures: system call numbers
 * ({@code arch/x86/entry/syscalls/syscall_64.tbl}, {@code include/uapi/asm-generic/unistd.h}) and the few
 * {@code open(2)} flags whose values are architecture specific ({@code asm/fcntl.h}). Each value is written once, in
 * {@link Table}, beside its twin.
 */
public enum Arch {

    X86_64, AARCH64;

    public final long ioSetup = Table.IO_SETUP.on(this);
    public final long ioDestroy = Table.IO_DESTROY.on(this);
    public final long ioGetevents = Table.IO_GETEVENTS.on(this);
    public final long ioSubmit = Table.IO_SUBMIT.on(this);
    public final long ioCancel = Table.IO_CANCEL.on(this);
    public final long statx = Table.STATX.on(this);
    public final int oDirect = (int) Table.O_DIRECT.on(this);
    public final int oDirectory = (int) Table.O_DIRECTORY.on(this);
    public final int oNofollow = (int) Table.O_NOFOLLOW.on(this);

    /** A value on x86_64 and on aarch64. */
    private enum Table {
        IO_SETUP(206, 0),
        IO_DESTROY(207, 1),
        IO_GETEVENTS(208, 4),
        IO_SUBMIT(209, 2),
        IO_CANCEL(210, 3),
        STATX(332, 291),
        O_DIRECT(0x4000, 0x10000),
        O_DIRECTORY(0x10000, 0x4000),
        O_NOFOLLOW(0x20000, 0x8000);

        private final long x86_64;
        private final long aarch64;

        Table(long x86_64, long aarch64) {
            this.x86_64 = x86_64;
            this.aarch64 = aarch64;
        }

        /** By ordinal: the Arch constant being constructed is not assigned to its static field yet. */
        long on(Arch arch) {
            return arch.ordinal() == 0 ? x86_64 : aarch64;
        }
    }

    /** The architecture this JVM runs on, if Linux AIO is supported there. */
    public static Optional<Arch> current() {
        return of(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
    }

    static Optional<Arch> of(String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Optional.empty();
        }
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> Optional.of(X86_64);
            case "aarch64", "arm64" -> Optional.of(AARCH64);
            default -> Optional.empty();
        };
    }
}
