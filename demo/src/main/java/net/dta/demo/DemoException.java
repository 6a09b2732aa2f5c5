package net.dta.demo;

/** The demo cannot start or go on; the message says what is wrong and which option or step fixes it. */
final class DemoException extends Exception {
    DemoException(String message) {
        super(message);
    }

    DemoException(String message, Throwable cause) {
        super(message, cause);
    }
}
