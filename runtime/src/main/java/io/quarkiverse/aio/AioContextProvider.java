package io.quarkiverse.aio;

/**
 * How {@link AioContext.Builder#build()} finds the implementation: the library's engine registers one through
 * {@link java.util.ServiceLoader}. Not for applications; it keeps the public API free of references to internals.
 */
public interface AioContextProvider {

    /** Creates a context with these settings (or its fallback, as {@link AioSettings#fallback()} says). */
    AioContext create(AioSettings settings) throws AioException;
}
