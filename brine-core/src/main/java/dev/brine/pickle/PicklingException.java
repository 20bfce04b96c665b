package dev.brine.pickle;

import dev.brine.BrineException;

/** A value could not be pickled: its type is not mapped, it is too deep, or a hook failed. */
public class PicklingException extends BrineException {
    private static final long serialVersionUID = 1L;

    /** An error saying what could not be written and why. */
    public PicklingException(String message) {
        super(message);
    }

    /** An error with its cause. */
    public PicklingException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The same error with a location such as a file in front of its message: still a PicklingException. */
    @Override
    public PicklingException withContext(String context) {
        return new PicklingException(context + ": " + getMessage(), this);
    }

    /** The same error saying {@code message}: see {@link BrineException#withContextInsteadOf}. */
    @Override
    protected PicklingException relocated(String message) {
        return new PicklingException(message, this);
    }
}
