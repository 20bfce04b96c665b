package dev.brine.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A stream that fails while an archive's array member is written (a full disk) gives the stream's own
 * {@code IOException}, as a failure while its pickle or its end is written does. The array members are written by the
 * pickler's persistent_id hook, and the pickler reported what the hook threw as the hook's failure, a
 * {@code PicklingException} "the persistent_id hook threw java.io.UncheckedIOException: ...", which the CLI printed.
 */
class ArchiveWriteFailureTest {
    /** Takes {@code room} bytes, then fails as a full disk does. */
    private static OutputStream full(long room) {
        return new OutputStream() {
            private long taken;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (taken + len > room) {
                    throw new IOException("No space left on device");
                }
                taken += len;
            }
        };
    }

    @Test
    void aFailingStreamGivesItsOwnIOExceptionWhereverItFails() {
        Map<String, Object> model = new LinkedHashMap<>();
        double[] w = new java.util.SplittableRandom(1).doubles(200_000).toArray(); // 1.6 MB that deflate cannot shrink
        model.put("W", NDArray.of(w, w.length)); // written while the pickle is made
        model.put("b", NDArray.of(new double[] {1, 2}, 2));
        for (long room : new long[] {0, 100, 1 << 20, 1_500_000}) {
            IOException e = assertThrows(IOException.class,
                    () -> ModelArchive.dump(model, full(room), ArchiveOptions.DEFAULT), "room " + room);
            assertEquals("No space left on device", e.getMessage(), "room " + room);
            assertFalse(e instanceof BrineException, "room " + room + ": " + e);
        }
    }
}
