package io.quarkiverse.aio;

/**
 * Whether the operations that completion callbacks issue on the poller thread go to the kernel one {@code io_submit}
 * each, or gathered two to an {@code io_submit}. Gathering saves system calls (CPU) but holds an operation back until
 * the next one is issued, which can leave the device less busy: which one wins depends on what a system call costs on
 * the machine, and that changes from day to day.
 */
public enum SubmitBatching {
    /**
     * Measured while running: one {@code io_submit} per operation while the poller thread has time to spare, gathered
     * while it is busy for most of the time (then CPU, not the device, is the limit). The default.
     */
    AUTO,
    /** Always gathered. */
    ALWAYS,
    /** Never gathered: every operation goes to the kernel when it is issued. */
    NEVER
}
