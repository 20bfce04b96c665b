package dev.brine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brine.archive.ArchiveOptions;
import dev.brine.archive.ModelArchive;
import dev.brine.ndarray.NDArray;
import dev.brine.npy.Npy;
import dev.brine.npy.Npz;
import dev.brine.safetensors.SafeTensors;
import dev.brine.torch.TorchCheckpoint;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every writer that takes an {@link OutputStream} refuses a null one up front with a
 * NullPointerException naming it ("out"), as {@code Pickle.dump} and {@code new Pickler} do, rather than
 * failing somewhere inside once the work is done.
 */
class NullOutputStreamTest {
    private static final NDArray ARRAY = NDArray.of(new double[] {1, 2, 3}, 3);

    @Test
    void everyStreamWriterNamesANullStream() {
        refused(() -> Npy.write(ARRAY, (OutputStream) null));
        refused(() -> Npy.write(ARRAY, (OutputStream) null, null));
        refused(() -> Npz.write(Map.of("a", ARRAY), (OutputStream) null, false));
        refused(() -> Npz.write(Map.of("a", ARRAY), (OutputStream) null, true));
        refused(() -> SafeTensors.write(Map.of("a", ARRAY), Map.of(), (OutputStream) null));
        refused(() -> ModelArchive.dump(List.of(ARRAY), (OutputStream) null, ArchiveOptions.DEFAULT));
        refused(() -> TorchCheckpoint.save(Map.of("a", 1L), (OutputStream) null, "archive"));
    }

    private static void refused(Executable write) {
        NullPointerException e = assertThrows(NullPointerException.class, write);
        assertEquals("out", e.getMessage());
    }
}
