package dev.brine.archive;

import dev.brine.BrineException;

/**
 * A model archive that cannot be read or written: the message names the archive and, where one
 * is to blame, the member ({@code "model.zip: member W: CRC mismatch ..."}), and the two are also
 * available on their own for callers that react to them.
 */
public final class ArchiveException extends BrineException {
    private static final long serialVersionUID = 1L;

    private final String archive;
    private final String member;

    /**
     * An exception about {@code archive} (a file name or {@code "archive stream"}) and
     * {@code member} ({@code null} when the archive as a whole is at fault).
     */
    public ArchiveException(String archive, String member, String detail, Throwable cause) {
        super(archive + (member == null ? "" : ": member " + member) + ": " + detail, cause);
        this.archive = archive;
        this.member = member;
    }

    /** Like {@link #ArchiveException(String, String, String, Throwable)} without a cause. */
    public ArchiveException(String archive, String member, String detail) {
        this(archive, member, detail, null);
    }

    /**
     * Wraps a lower-level failure (ZIP, NPY, pickle) about {@code member} of {@code archive}.
     * {@code where} is how the lower layer named the archive; the location it already put in
     * front of its message is not repeated.
     */
    static ArchiveException wrap(String archive, String where, String member, Exception e) {
        if (e instanceof ArchiveException) {
            return (ArchiveException) e;
        }
        String msg = String.valueOf(e.getMessage());
        String[] prefixes = {where + ": member " + member + ": ", where + ": ", "NPY stream: "};
        for (String p : prefixes) {
            if (msg.startsWith(p)) {
                msg = msg.substring(p.length());
                break;
            }
        }
        return new ArchiveException(archive, member, msg, e);
    }

    /** The archive: its path as given, or {@code "archive stream"}. */
    public String archive() {
        return archive;
    }

    /** The member at fault, or {@code null} when the archive as a whole is. */
    public String member() {
        return member;
    }
}
