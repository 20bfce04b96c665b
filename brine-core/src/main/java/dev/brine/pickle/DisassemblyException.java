package dev.brine.pickle;

/**
 * The {@link Disassembler} stopped where CPython's {@code pickletools.dis} raises. The message is
 * pickletools' own message, word for word (for example {@code "memo key 3 has never been stored
 * into"}), and {@link #pythonType()} names the Python exception class it raises
 * ({@code ValueError}, {@code UnicodeDecodeError}, {@code IndexError}).
 *
 * <p>{@code python3 -m pickletools} shows such a failure as a traceback on stderr after the part
 * of the listing it had printed. The disassembler writes the same partial listing and then throws
 * this exception; a command line shows it as one error line instead of a traceback, conventionally
 * {@code pythonType() + ": " + getMessage()}, which is the traceback's last line.
 */
public final class DisassemblyException extends UnpicklingException {
    private static final long serialVersionUID = 1L;
    private final String pythonType;

    /**
     * An error raised while disassembling the opcode {@code opcode} (null when no opcode could be
     * read) that starts at {@code offset}.
     */
    public DisassemblyException(String pythonType, String message, long offset, String opcode) {
        super(offset, opcode, message);
        this.pythonType = pythonType;
    }

    /** The Python exception class pickletools raises here, such as {@code ValueError}. */
    public String pythonType() {
        return pythonType;
    }

    /** The last line of the traceback Python prints: {@code "ValueError: <message>"}. */
    public String pythonErrorLine() {
        return pythonType + ": " + getMessage();
    }

    /** The same error saying {@code message}: see {@link dev.brine.BrineException#withContextInsteadOf}. */
    @Override
    protected DisassemblyException relocated(String message) {
        DisassemblyException e = new DisassemblyException(pythonType, message, offset(), opcode());
        e.initCause(this);
        return e;
    }

    /** The same error with a location such as a file in front of its message: still a DisassemblyException. */
    @Override
    public DisassemblyException withContext(String context) {
        DisassemblyException e = new DisassemblyException(pythonType, context + ": " + getMessage(), offset(), opcode());
        e.initCause(this);
        return e;
    }
}
