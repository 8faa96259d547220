package io.quarkiverse.aio.it;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The preconditions of a request that reads or changes a file (RFC 9110, section 13.2.2, steps 1 and 2):
 * {@code If-Match}, or when it is absent {@code If-Unmodified-Since}; and, for a change, {@code If-None-Match}
 * ({@code *}: only if there is no file yet). {@code If-None-Match} and {@code If-Modified-Since} on a read give 304
 * instead, in the route.
 */
record Preconditions(String ifMatch, String ifUnmodifiedSince, String ifNoneMatch) {

    static Preconditions of(HttpServerRequest request) {
        return new Preconditions(request.getHeader(HttpHeaders.IF_MATCH),
                request.getHeader("If-Unmodified-Since"), request.getHeader(HttpHeaders.IF_NONE_MATCH));
    }

    /** Steps 1 and 2: false means 412. */
    boolean holdFor(StoredFile current) {
        if (ifMatch != null) {
            return StoredFile.ifMatchHolds(current, ifMatch);
        }
        if (ifUnmodifiedSince != null) {
            return current != null && !current.modifiedSince(ifUnmodifiedSince);
        }
        return true;
    }

    /** For a change: steps 1 and 2, and If-None-Match. */
    boolean holdForChange(StoredFile current) {
        return holdFor(current) && StoredFile.ifNoneMatchHolds(current, ifNoneMatch);
    }
}
