package dev.brine;

import java.io.IOException;

/**
 * The one exception family for everything Brine refuses: malformed or hostile input, a limit that
 * was hit, a value that cannot be written. It extends {@link IOException} in the way
 * {@link java.util.zip.ZipException} does, so a caller that reads files handles I/O failures and
 * bad content in one place.
 *
 * <p>The message always says what went wrong and where (file, member, byte offset, opcode), so it
 * can be shown to a user as it is.
 */
public class BrineException extends IOException {
    private static final long serialVersionUID = 1L;

    /** Creates an exception with a message that says what and where. */
    public BrineException(String message) {
        super(message);
    }

    /** Creates an exception with a message and the failure that caused it. */
    public BrineException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Returns a copy of this exception whose message is prefixed with a location such as a file
     * or an archive member ({@code "model.zip: member W: "}). Subclasses override it to return their own
     * type ({@link LimitExceededException}, {@link dev.brine.pickle.UnpicklingException},
     * {@link dev.brine.pickle.PicklingException}), so adding a location never changes what a
     * {@code catch} clause catches.
     */
    public BrineException withContext(String context) {
        return new BrineException(context + ": " + getMessage(), this);
    }

    /**
     * Like {@link #withContext}, for a message whose front already names a location in a lower
     * layer's words ({@code stale}: a temporary file the caller copied a stream to, {@code "NPY
     * stream"}): {@code context} takes its place instead of going in front of it. A message that does
     * not start with {@code stale + ": "} gets {@code context} in front, as {@link #withContext} gives.
     * Either way the class is kept, as {@link #withContext} keeps it.
     */
    public BrineException withContextInsteadOf(String stale, String context) {
        String front = stale + ": ";
        String message = getMessage();
        if (message == null || !message.startsWith(front)) {
            return withContext(context);
        }
        return relocated(context + ": " + message.substring(front.length()));
    }

    /**
     * This exception saying {@code message}, its own words with another location in front, as an
     * exception of its own class whose cause is this one. Subclasses return their own type, with the
     * fields they carry ({@link LimitExceededException#limit()}, an unpickling offset and opcode).
     */
    protected BrineException relocated(String message) {
        return new BrineException(message, this);
    }
}
