package io.quarkiverse.aio.internal.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The layouts against the offsets and sizes of include/uapi/linux/aio_abi.h and linux/stat.h. */
class KernelAbiTest {

    @Test
    void iocbMatchesAioAbi() {
        assertEquals(64, KernelAbi.IOCB.byteSize());
        assertEquals(0, KernelAbi.IOCB_DATA);
        assertEquals(8, KernelAbi.IOCB_KEY);
        assertEquals(12, KernelAbi.IOCB_RW_FLAGS);
        assertEquals(16, KernelAbi.IOCB_OPCODE);
        assertEquals(18, KernelAbi.IOCB_REQPRIO);
        assertEquals(20, KernelAbi.IOCB_FILDES);
        assertEquals(24, KernelAbi.IOCB_BUF);
        assertEquals(32, KernelAbi.IOCB_NBYTES);
        assertEquals(40, KernelAbi.IOCB_OFFSET);
        assertEquals(48, KernelAbi.IOCB_RESERVED2);
        assertEquals(56, KernelAbi.IOCB_FLAGS);
        assertEquals(60, KernelAbi.IOCB_RESFD);
    }

    @Test
    void ioEventMatchesAioAbi() {
        assertEquals(32, KernelAbi.IO_EVENT.byteSize());
        assertEquals(0, KernelAbi.EVENT_DATA);
        assertEquals(16, KernelAbi.EVENT_RES);
        assertEquals(16, KernelAbi.TIMESPEC.byteSize());
    }

    @Test
    void opcodesMatchAioAbi() {
        assertEquals(0, KernelAbi.IOCB_CMD_PREAD);
        assertEquals(1, KernelAbi.IOCB_CMD_PWRITE);
        assertEquals(2, KernelAbi.IOCB_CMD_FSYNC);
        assertEquals(3, KernelAbi.IOCB_CMD_FDSYNC);
        assertEquals(5, KernelAbi.IOCB_CMD_POLL);
        assertEquals(7, KernelAbi.IOCB_CMD_PREADV);
        assertEquals(8, KernelAbi.IOCB_CMD_PWRITEV);
        assertEquals(16, KernelAbi.IOVEC.byteSize());
    }

    @Test
    void syscallTablesOfBothArchitectures() {
        assertEquals(206, Arch.X86_64.ioSetup);
        assertEquals(207, Arch.X86_64.ioDestroy);
        assertEquals(208, Arch.X86_64.ioGetevents);
        assertEquals(209, Arch.X86_64.ioSubmit);
        assertEquals(210, Arch.X86_64.ioCancel);
        // asm-generic/unistd.h, used by aarch64
        assertEquals(0, Arch.AARCH64.ioSetup);
        assertEquals(1, Arch.AARCH64.ioDestroy);
        assertEquals(2, Arch.AARCH64.ioSubmit);
        assertEquals(3, Arch.AARCH64.ioCancel);
        assertEquals(4, Arch.AARCH64.ioGetevents);
        assertEquals(332, Arch.X86_64.statx);
        assertEquals(291, Arch.AARCH64.statx);
        assertEquals(040000, Arch.X86_64.oDirect);
        assertEquals(0200000, Arch.AARCH64.oDirect);
    }

    @Test
    void architectureIsPickedFromTheRunningJvm() {
        assertEquals(Arch.X86_64, Arch.of("Linux", "amd64").orElseThrow());
        assertEquals(Arch.AARCH64, Arch.of("Linux", "aarch64").orElseThrow());
        assertEquals(true, Arch.of("Mac OS X", "aarch64").isEmpty());
        assertEquals(true, Arch.of("Linux", "riscv64").isEmpty());
    }
}
