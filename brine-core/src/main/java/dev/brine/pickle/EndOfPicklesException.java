package dev.brine.pickle;

/**
 * No pickle was there to read: {@link Unpickler#load()} (or {@link Pickle#load(java.io.InputStream)})
 * was called at a clean end of its input, before any byte of a next pickle, as CPython's
 * {@code Unpickler.load()} raises {@code EOFError} there. A pickle that ends early or is damaged is
 * never this, but a plain {@link UnpicklingException} ("pickle data was truncated", ...); so a loop
 * that reads pickles until the end of a stream stops at this and lets the other ones out:
 *
 * <pre>{@code
 * while (true) {
 *     Object value;
 *     try {
 *         value = Pickle.load(in);
 *     } catch (EndOfPicklesException end) {
 *         break;
 *     }
 *     use(value);
 * }
 * }</pre>
 *
 * <p>A subclass of {@link UnpicklingException}, so code that catches that catches this too. The end
 * of a stream is not final: a file that grows is read again by the next {@code load()}.
 */
public final class EndOfPicklesException extends UnpicklingException {
    private static final long serialVersionUID = 1L;
    static final String WHAT = "no pickle: the input is empty or used up";

    /** The input ended at {@code offset} (counted as {@link Unpickler#offset()} counts). */
    public EndOfPicklesException(long offset) {
        super(WHAT, offset, null);
    }

    private EndOfPicklesException(String message, long offset) {
        super(offset, null, message);
    }

    /** The same end of input saying {@code message}: see {@link dev.brine.BrineException#withContextInsteadOf}. */
    @Override
    protected EndOfPicklesException relocated(String message) {
        EndOfPicklesException e = new EndOfPicklesException(message, offset());
        e.initCause(this);
        return e;
    }

    /** The same end of input with a location such as a file in front of its message: still an EndOfPicklesException. */
    @Override
    public EndOfPicklesException withContext(String context) {
        EndOfPicklesException e = new EndOfPicklesException(context + ": " + getMessage(), offset());
        e.initCause(this);
        return e;
    }
}
