package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.Limits;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What loading a protocol 2 numpy array costs in heap. Below protocol 3 numpy's pickle carries the array's N bytes
 * as a Latin-1 str (about 1.5 N bytes of UTF-8, for random floats) given to {@code _codecs.encode(s, 'latin1')}.
 * The str was read into an array of its UTF-8, decoded into a {@code char[]} of 2 N bytes and compressed into the
 * {@code String}'s N: 6.5 N allocated in all, over 4.5 N of it live at once (a 100 MiB array needed over 500 MiB of
 * heap). {@link LongUtf8Decoder} decodes it as it is read, straight into Latin-1 bytes: 3.5 N in all (those bytes,
 * the {@code String}, the encoded bytes the array keeps), 2.5 N at the peak (280 MiB of heap for 100 MiB).
 */
class LongStringMemoryTest {
    private static final int SIZE = 16 << 20;
    private static final Limits ROOMY = Limits.DEFAULT.toBuilder().maxAllocation(1L << 30).build();
    private static final UnpicklerOptions READ = UnpicklerOptions.builder().limits(ROOMY).build();

    @TempDir
    Path tmp;

    @Test
    void aProtocol2ArrayLoadsAllocatingLessThanFourTimesItsSize() throws IOException, NoSuchAlgorithmException {
        Python.require("numpy");
        Path file = tmp.resolve("p2.pkl");
        String digest = new String(Python.check(String.join("\n",
                "import hashlib, pickle, sys, numpy as np",
                "a = np.random.default_rng(5).random(" + SIZE / 8 + ")",
                "pickle.dump(a, open(sys.argv[1], 'wb'), 2)",
                "print(hashlib.sha256(a.tobytes()).hexdigest())"), new byte[0], file.toString()), StandardCharsets.UTF_8).trim();
        byte[] pickle = Files.readAllBytes(file);
        assertTrue(pickle.length > SIZE * 3L / 2 - SIZE / 8, "the str's UTF-8 is about 1.5 times the array: " + pickle.length);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (boolean fromFile : new boolean[] {true, false}) {
            long before = threads.getCurrentThreadAllocatedBytes();
            NDArray array = (NDArray) (fromFile ? Pickle.load(file, READ) : Pickle.loads(pickle, READ));
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            String from = fromFile ? "from a file" : "from an array";
            assertEquals(digest, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(array.rawBytes())), from);
            assertTrue(allocated < 4L * SIZE, from + ": allocated " + allocated + " bytes for an array of " + SIZE);
        }
    }
}
