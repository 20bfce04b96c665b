package dev.brine.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * Runs a read that must be refused, with a hang guard (5 s, preemptive) and a measure of the bytes
 * the reading thread allocated, so that "fails fast without allocating gigabytes" is checked, not
 * hoped for.
 */
public final class Bounded {
    /** Generous: a refused read may buffer what it read, never what the file claims. */
    public static final long MAX_ALLOCATED = 256L << 20;

    /** What a read did. */
    public record Outcome(Object value, Throwable thrown, long allocatedBytes) {
    }

    /** A read under test. */
    @FunctionalInterface
    public interface Read {
        Object run() throws Exception;
    }

    private Bounded() {
    }

    /** Runs {@code read} with the hang guard and measures its allocation. */
    public static Outcome run(Read read) {
        return assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().getId();
            long before = mx.getThreadAllocatedBytes(id);
            Object value = null;
            Throwable thrown = null;
            try {
                value = read.run();
            } catch (Throwable t) {
                thrown = t;
            }
            return new Outcome(value, thrown, mx.getThreadAllocatedBytes(id) - before);
        }, "hang guard: the read did not end within 5 s");
    }

    /** Asserts that {@code read} ends in a BrineException with a message, in bounded memory; returns it. */
    public static BrineException refuses(String what, Read read) {
        Outcome o = run(read);
        if (o.thrown() == null) {
            fail(what + ": expected a BrineException, but the read returned " + o.value());
        }
        if (!(o.thrown() instanceof BrineException)) {
            throw new AssertionError(what + ": expected a BrineException, got " + o.thrown(), o.thrown());
        }
        assertNotNull(o.thrown().getMessage(), what);
        assertTrue(o.allocatedBytes() < MAX_ALLOCATED,
                what + ": allocated " + (o.allocatedBytes() >> 20) + " MiB to refuse it: " + o.thrown().getMessage());
        return (BrineException) o.thrown();
    }

    /** Asserts that {@code read} hits the limit named {@code limit}, and that the message names it. */
    public static LimitExceededException hitsLimit(String what, String limit, Read read) {
        BrineException e = refuses(what, read);
        Throwable t = e;
        while (t != null && !(t instanceof LimitExceededException)) {
            t = t.getCause();
        }
        if (t == null) {
            throw new AssertionError(what + ": expected limit " + limit + " to be hit, got: " + e.getMessage(), e);
        }
        LimitExceededException l = (LimitExceededException) t;
        assertEquals(limit, l.limit(), what);
        assertTrue(e.getMessage().contains(limit), what + ": the message should name " + limit + ": " + e.getMessage());
        return l;
    }
}
