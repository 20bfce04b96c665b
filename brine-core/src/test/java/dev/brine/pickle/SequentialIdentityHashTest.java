package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pickler's memo under the JVM's sequential identity hash ({@code -XX:hashCode=3}), which the
 * {@code brine} launcher turns on: objects the pickler meets one after another then have
 * consecutive hashes. Indexed by those hashes' low bits they take neighbouring slots and never
 * collide; the memo's earlier mixed hash sent each 65,536 consecutive hashes to one block of
 * slots, where blocks met and probes grew to tens of thousands of slots (a two-million-record
 * dumps did not end in two minutes). Runs in a child JVM, since the flag is the JVM's.
 */
class SequentialIdentityHashTest {

    @Test
    void consecutiveHashesTakeTheirOwnSlots(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("child.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-XX:+UnlockExperimentalVMOptions", "-XX:hashCode=3",
                "-cp", System.getProperty("java.class.path"), Child.class.getName())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        String out = Files.readString(log);
        assertTrue(ended, "two million memo entries took more than a minute: " + out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.startsWith("sequential "), out); // the child saw consecutive hashes: the flag took
        String[] words = out.trim().split(" ");
        int longest = Integer.parseInt(words[words.length - 1]);
        assertTrue(longest <= 2, "a key's probe read " + longest + " slots: " + out);
    }

    /** Adds two million fresh objects to a memo, as the pickler does its strings, and prints the longest probe. */
    public static final class Child {
        public static void main(String[] args) throws Exception {
            int n = 2_000_000;
            Object[] keys = new Object[n];
            IdentityMemo memo = new IdentityMemo();
            for (int i = 0; i < n; i++) {
                keys[i] = new Object();
                if (memo.getOrAdd(keys[i]) != -1) {
                    throw new AssertionError("a fresh object was found in the memo: " + i);
                }
            }
            for (int i = 0; i < n; i += 997) {
                if (memo.get(keys[i]) != i) {
                    throw new AssertionError("object " + i + " has memo index " + memo.get(keys[i]));
                }
            }
            int step = System.identityHashCode(keys[n - 1]) - System.identityHashCode(keys[n - 2]);
            System.out.println((step == 1 ? "sequential" : "not sequential (" + step + ")")
                    + " hashes, longest probe " + memo.longestProbe());
        }
    }
}
