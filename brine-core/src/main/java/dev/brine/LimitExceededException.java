package dev.brine;

/**
 * A configured safety limit was reached. The message names the limit (for example
 * {@code maxDepth}) so that a user who trusts the file knows which option to raise.
 */
public final class LimitExceededException extends BrineException {
    private static final long serialVersionUID = 1L;
    private final String limit;

    /** Creates the exception for the limit named {@code limit}, with a message saying where. */
    public LimitExceededException(String limit, String message) {
        super(message + " (limit " + limit + "; raise it in the reader's options if the file is trusted)");
        this.limit = limit;
    }

    private LimitExceededException(String limit, String fullMessage, LimitExceededException cause) {
        super(fullMessage, cause);
        this.limit = limit;
    }

    /** The same limit, with a location such as a file in front of the message: still a LimitExceededException. */
    @Override
    public LimitExceededException withContext(String context) {
        return new LimitExceededException(limit, context + ": " + getMessage(), this);
    }

    /** The same limit, saying {@code message}: see {@link BrineException#withContextInsteadOf}. */
    @Override
    protected LimitExceededException relocated(String message) {
        return new LimitExceededException(limit, message, this);
    }

    /** The name of the option whose limit was hit, as it appears in the options builder. */
    public String limit() {
        return limit;
    }
}
