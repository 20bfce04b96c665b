package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brine.LimitExceededException;
import dev.brine.py.ByteArray;
import dev.brine.testing.Python;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a persistent loader reads from outside the pickle counts as input for maxBytesRatio
 * ({@link PersistentLoader#bytesRead}), each byte once however often the pickle names it; a loader
 * that reports nothing leaves the pickle's own bytes as the only input. The pickle is CPython's: a
 * list of {@code bytearray(x)} copies of one object that its persistent_id stands in for.
 */
class PersistentLoaderBytesTest {
    private static final int MEGABYTE = 1 << 20;

    private static byte[] copiesOfOneExternalObject(int copies) throws Exception {
        Python.require();
        return Python.check(String.join("\n",
                "import io, pickle, sys",
                "class Big: pass",
                "big = Big()",
                "class P(pickle.Pickler):",
                "    def persistent_id(self, o):",
                "        return 'big' if o is big else None",
                "class R:",
                "    def __reduce__(self): return (bytearray, (big,))",
                "out = io.BytesIO()",
                "P(out, protocol=2).dump([R() for _ in range(" + copies + ")])",
                "sys.stdout.buffer.write(out.getvalue())"), new byte[0]);
    }

    /** Returns one 1 MiB byte[] for the id 'big', and says so once. */
    private static final class OneMegabyte implements PersistentLoader {
        final byte[] big = new byte[MEGABYTE];
        int loads;

        @Override
        public Object load(Object pid) {
            assertEquals("big", pid);
            loads++;
            return big;
        }

        @Override
        public long bytesRead() {
            return loads > 0 ? MEGABYTE : 0;
        }
    }

    private static Object load(byte[] pickle, PersistentLoader loader) throws Exception {
        return new Unpickler(pickle, UnpicklerOptions.builder().persistentLoader(loader).build()).load();
    }

    @Test
    void copiesOfWhatTheLoaderReadAreWeighedAgainstIt() throws Exception {
        byte[] pickle = copiesOfOneExternalObject(5); // 5 MiB built from 1 MiB read: within 10 times
        OneMegabyte loader = new OneMegabyte();
        List<?> copies = (List<?>) load(pickle, loader);
        assertEquals(5, copies.size());
        assertEquals(5, loader.loads); // named five times, counted once
        for (Object c : copies) {
            assertEquals(true, Arrays.equals(loader.big, ((ByteArray) c).array()));
        }
    }

    @Test
    void countedOnceHoweverOftenThePickleNamesIt() throws Exception {
        byte[] pickle = copiesOfOneExternalObject(12); // 12 MiB from 1 MiB: beyond 10 times
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> load(pickle, new OneMegabyte()));
        assertEquals("maxBytesRatio", e.limit());
    }

    /**
     * loadNext reads the second pickle twice (it refers to the first one's memo): what the loader read
     * during the first reading still counts when the loader, asked again, has nothing new to report.
     */
    @Test
    void aPickleReadAgainByLoadNextKeepsTheLoadersBytesAsInput() throws Exception {
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        stream.write(new byte[] {(byte) 0x80, 2, ']', 'q', 0, '.'}); // pickle 1: [] as memo 0
        stream.write(new byte[] {(byte) 0x80, 2});
        stream.write("cbuiltins\nbytearray\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        stream.write(new byte[] {'X', 3, 0, 0, 0, 'b', 'i', 'g', 'Q', (byte) 0x85, 'R', '0', 'h', 0, '.'});
        OneMegabyte loader = new OneMegabyte(); // bytearray(big): 1 MiB built from 1 MiB read
        List<Object> all = Pickle.loadAll(stream.toByteArray(), UnpicklerOptions.builder().persistentLoader(loader).build());
        assertEquals(2, all.size());
        org.junit.jupiter.api.Assertions.assertSame(all.get(0), all.get(1)); // pickle 2 is pickle 1's list, as one Unpickler reads it
        assertEquals(2, loader.loads); // asked once per reading
    }

    /**
     * A stream of pickle.dump's pickles read one at a time and dropped: loadNext keeps at most 64 MiB
     * of the earlier pickles' entries, not the whole stream (20 pickles of 8 MiB each here).
     */
    @Test
    void loadNextDoesNotHoldTheWholeStream() throws Exception {
        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 20; i++) {
            byte[] chunk = new byte[8 << 20];
            chunk[0] = (byte) i;
            stream.write(Pickle.dumps(List.of(chunk))); // a list and its bytes: memoized, so kept by a memo
        }
        Unpickler u = new Unpickler(stream.toByteArray(), UnpicklerOptions.builder().build());
        List<java.lang.ref.WeakReference<Object>> read = new java.util.ArrayList<>();
        while (u.hasNext()) {
            read.add(new java.lang.ref.WeakReference<>(u.loadNext()));
        }
        assertEquals(20, read.size());
        System.gc();
        int alive = 0;
        for (java.lang.ref.WeakReference<Object> r : read) {
            alive += r.get() != null ? 1 : 0;
        }
        org.junit.jupiter.api.Assertions.assertTrue(alive <= 9, alive + " of 20 pickles of 8 MiB still held");
    }

    @Test
    void aLoaderThatReportsNothingLeavesOnlyThePickleAsInput() throws Exception {
        byte[] pickle = copiesOfOneExternalObject(1);
        byte[] big = new byte[MEGABYTE];
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> load(pickle, pid -> big));
        assertEquals("maxBytesRatio", e.limit());
    }
}
