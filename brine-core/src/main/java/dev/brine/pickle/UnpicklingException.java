package dev.brine.pickle;

import dev.brine.BrineException;

/**
 * A pickle could not be read: malformed, truncated, or refused. The message names the byte offset
 * of the opcode at fault and the opcode itself, like {@code "stack underflow at offset 12 (opcode
 * APPEND)"}.
 */
public class UnpicklingException extends BrineException {
    private static final long serialVersionUID = 1L;
    private final String what;
    private final long offset;
    private final String opcode;

    /** An error about the opcode {@code opcode} (may be null) that starts at {@code offset}. */
    public UnpicklingException(String what, long offset, String opcode) {
        super(what + " at offset " + offset + (opcode == null ? "" : " (opcode " + opcode + ")"));
        this.what = what;
        this.offset = offset;
        this.opcode = opcode;
    }

    /**
     * An error whose message is exactly {@code message}, for subclasses that must repeat another
     * tool's words: {@link DisassemblyException} repeats {@code pickletools}' messages verbatim.
     */
    protected UnpicklingException(long offset, String opcode, String message) {
        super(message);
        this.what = message;
        this.offset = offset;
        this.opcode = opcode;
    }

    private UnpicklingException(String what, long offset, String opcode, String message, UnpicklingException cause) {
        super(message, cause);
        this.what = what;
        this.offset = offset;
        this.opcode = opcode;
    }

    /**
     * The same error with a location such as a file in front of its message: still an
     * UnpicklingException (with the same offset and opcode), so {@code catch (UnpicklingException e)}
     * catches what {@code Pickle.load(Path)} throws as it catches what {@code Pickle.loads} throws.
     */
    @Override
    public UnpicklingException withContext(String context) {
        return new UnpicklingException(context + ": " + what, offset, opcode, context + ": " + getMessage(), this);
    }

    /**
     * The same error (offset and opcode) saying {@code message}: see
     * {@link BrineException#withContextInsteadOf}. The offset and opcode that end this message end
     * the new one too, and stay out of what {@link #atOpcode} keeps.
     */
    @Override
    protected UnpicklingException relocated(String message) {
        String tail = getMessage().substring(what.length()); // " at offset 12 (opcode APPEND)"; empty for words kept verbatim
        String newWhat = message.endsWith(tail) ? message.substring(0, message.length() - tail.length()) : message;
        return new UnpicklingException(newWhat, offset, opcode, message, this);
    }

    /** The same error told of the opcode being read (raised below the opcode level, it knew none). */
    UnpicklingException atOpcode(long opcodeOffset, String opcodeName) {
        UnpicklingException e = new UnpicklingException(what, opcodeOffset, opcodeName);
        e.initCause(this);
        return e;
    }

    /**
     * The byte offset of the opcode at fault, counted as {@link Unpickler#offset()} counts: from where the
     * Unpickler began reading (a fresh one per pickle, as {@link Pickle#load(java.io.InputStream)} makes,
     * counts from that pickle's first byte).
     */
    public long offset() {
        return offset;
    }

    /** The opcode's name, or {@code null} when the fault is not tied to an opcode. */
    public String opcode() {
        return opcode;
    }
}
