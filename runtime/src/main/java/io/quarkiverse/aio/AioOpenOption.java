package io.quarkiverse.aio;

import java.nio.file.OpenOption;

/** Open options of this library, beside the standard ones. */
public enum AioOpenOption implements OpenOption {
    /**
     * Direct I/O ({@code O_DIRECT}): transfers bypass the page cache, and buffers, lengths and positions must be
     * aligned (see {@link AioFile#memoryAlignment()}). The same as {@code com.sun.nio.file.ExtendedOpenOption.DIRECT},
     * without the JDK-internal class.
     */
    DIRECT
}
