package procsim.restorer;

/** An image that cannot be read or restored, found before anything is made; the message is one line. */
public final class ImageException extends Exception {
    public ImageException(String message) {
        super(message);
    }
}
