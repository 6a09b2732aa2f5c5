package net.dta.translator;

/** The translator could not start; the message says why and what to change. */
public final class TranslatorStartException extends Exception {
    public TranslatorStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
