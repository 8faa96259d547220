package io.quarkiverse.aio.internal.linux;

import java.util.Locale;
import java.util.Optional;

/**
 * The parts of the Linux ABI that differ between the supported CPU architectures: system call numbers
 * ({@code arch/x86/entry/syscalls/syscall_64.tbl}, {@code include/uapi/asm-generic/unistd.h}) and the few
 * {@code open(2)} flags whose values are architecture specific ({@code asm/fcntl.h}).
 */
public enum Arch {

    X86_64(206, 207, 208, 209, 210, 0x4000, 0x10000, 0x20000),
    AARCH64(0, 1, 4, 2, 3, 0x10000, 0x4000, 0x8000);

    public final long ioSetup;
    public final long ioDestroy;
    public final long ioGetevents;
    public final long ioSubmit;
    public final long ioCancel;
    public final int oDirect;
    public final int oDirectory;
    public final int oNofollow;

    Arch(long ioSetup, long ioDestroy, long ioGetevents, long ioSubmit, long ioCancel, int oDirect, int oDirectory,
            int oNofollow) {
        this.ioSetup = ioSetup;
        this.ioDestroy = ioDestroy;
        this.ioGetevents = ioGetevents;
        this.ioSubmit = ioSubmit;
        this.ioCancel = ioCancel;
        this.oDirect = oDirect;
        this.oDirectory = oDirectory;
        this.oNofollow = oNofollow;
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
