package net.dta.protocol.layout;

/** A store file or catalog that this build cannot use; the message says why. */
public final class StoreFormatException extends RuntimeException {
    public StoreFormatException(String message) {
        super(message);
    }
}
