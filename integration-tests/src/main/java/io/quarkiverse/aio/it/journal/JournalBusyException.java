package io.quarkiverse.aio.it.journal;

import java.io.IOException;

/** Another process holds the journal's lock (two instances of the application on one data directory). */
public class JournalBusyException extends IOException {
    public JournalBusyException(String message) {
        super(message);
    }
}
