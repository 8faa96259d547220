package io.quarkiverse.aio;

/**
 * What the library does with buffers from arenas that their owner can close ({@code Arena.ofConfined()},
 * {@code Arena.ofShared()}) while the kernel may still be using them. Closing such an arena frees its memory at once,
 * whatever the library holds, and a kernel that then writes into it corrupts memory.
 * <p>
 * Buffers from {@link AioFile#allocate(long)}, {@link AioContext#allocate(long)} or any automatic arena are never
 * affected: the library keeps them reachable until their operation completes, so they cannot be freed earlier.
 */
public enum CloseableArenaBuffers {
    /**
     * The kernel never sees closeable memory. A write copies the data into library memory when it is submitted. A read
     * lands in library memory and is copied into the buffer when it completes; if the arena was closed by then, the
     * stage fails with {@link AioClosedException} and nothing is written anywhere. A confined arena can only be copied
     * into by its owner thread, so reads into one are refused.
     */
    COPY,
    /**
     * The kernel uses the buffer itself: no copy. The caller promises to keep the arena open until the stage
     * completes.
     */
    TRUST
}
