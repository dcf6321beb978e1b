package procsim.restorer;

/** A restore that failed after it began making things; it has rolled them back. One line. */
public final class RestoreException extends Exception {
    public RestoreException(String message) {
        super(message);
    }
}
