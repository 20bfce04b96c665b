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
     * A lower-level failure (ZIP, NPY, pickle) about {@code member} of {@code archive} ({@code null}:
     * the archive as a whole), located there. {@code where} is how the lower layer named the archive;
     * the location it already put in front of its message is replaced, not repeated. A failure that
     * callers catch by its type ({@link dev.brine.pickle.UnpicklingException},
     * {@link dev.brine.LimitExceededException}: any subclass of BrineException but this one) keeps
     * its class, as {@link BrineException#withContext} keeps it, so {@code catch (UnpicklingException e)}
     * catches a corrupt pickle inside an archive as it catches one in a pickle file; any other failure
     * becomes an ArchiveException, whose {@link #archive()} and {@link #member()} say where.
     */
    static BrineException wrap(String archive, String where, String member, Exception e) {
        if (e instanceof ArchiveException) {
            return (ArchiveException) e;
        }
        String location = archive + (member == null ? "" : ": member " + member);
        String msg = String.valueOf(e.getMessage());
        String stale = null;
        String[] locations = member == null ? new String[] {where, "NPY stream"}
                : new String[] {where + ": member " + member, where, "NPY stream"};
        for (String p : locations) {
            if (msg.startsWith(p + ": ")) {
                stale = p;
                break;
            }
        }
        if (e instanceof BrineException && e.getClass() != BrineException.class) {
            BrineException typed = (BrineException) e;
            return stale == null ? typed.withContext(location) : typed.withContextInsteadOf(stale, location);
        }
        return new ArchiveException(archive, member, stale == null ? msg : msg.substring(stale.length() + 2), e);
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
