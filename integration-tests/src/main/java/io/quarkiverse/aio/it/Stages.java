package io.quarkiverse.aio.it;

import java.io.IOException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waiting for an AIO stage on a worker thread, where the demo blocks (open, recovery, commit of an upload). */
public final class Stages {

    /** No operation of the demo takes longer on a working disk: past it, the request fails instead of hanging. */
    public static final long TIMEOUT_SECONDS = 60;

    private Stages() {
    }

    /** The stage's value; its failure as an IOException (unwrapped when it is one). */
    public static <T> T await(CompletionStage<T> stage) throws IOException {
        try {
            return stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no completion within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
