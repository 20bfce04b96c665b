package dev.brine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.pickle.UnpicklingException;
import dev.brine.safetensors.SafeTensors;
import dev.brine.testing.Python;
import dev.brine.torch.TorchCheckpoint;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file given to the wrong loader: the error says what the file is and which loader reads it.
 * Python writes one file of each format (pickle, {@code np.save}, {@code np.savez}, {@code torch.save}
 * in both formats, safetensors) and says which of them {@code pickle.load} refuses; Brine's
 * {@code Pickle.load} refuses the same ones and names the format, {@code SafeTensors.load} says "not a
 * safetensors file" (never a limit to raise), {@code TorchCheckpoint.load} says a plain pickle is not a
 * checkpoint. A valid pickle that starts like another format is still read.
 */
class WrongFormatMessagesTest {
    private static final String WRITER = String.join("\n",
            "import os, pickle, sys, numpy as np, torch, safetensors.numpy",
            "d = sys.argv[1]",
            "w = np.arange(6, dtype=np.float32).reshape(2, 3)",
            "with open(os.path.join(d, 'py.pkl'), 'wb') as f: pickle.dump({'W': w, 'lr': 0.1}, f, 2)",
            "np.save(os.path.join(d, 'w.npy'), w)",
            "np.savez(os.path.join(d, 'params.npz'), W=w)",
            "torch.save({'W': torch.ones(2)}, os.path.join(d, 'model.pt'))",
            "torch.save({'W': torch.ones(2)}, os.path.join(d, 'legacy.pt'), _use_new_zipfile_serialization=False)",
            "safetensors.numpy.save_file({'W': w}, os.path.join(d, 'model.safetensors'))",
            "for name in sorted(os.listdir(d)):",
            "    try:",
            "        with open(os.path.join(d, name), 'rb') as f: v = pickle.load(f)",
            "        print(name, 'loads', v if isinstance(v, int) else type(v).__name__)",
            "    except Exception as e:",
            "        print(name, 'refused')");

    @Test
    void eachLoaderNamesTheFormatItWasGiven(@TempDir Path dir) throws IOException {
        Python.require("numpy", "torch", "safetensors");
        Map<String, String> python = new LinkedHashMap<>();
        String out = new String(Python.check(WRITER, new byte[0], dir.toString()), StandardCharsets.UTF_8);
        for (String line : out.strip().split("\n")) {
            python.put(line.substring(0, line.indexOf(' ')), line.substring(line.indexOf(' ') + 1));
        }
        assertEquals(Map.of("py.pkl", "loads dict", "w.npy", "refused", "params.npz", "refused", "model.pt", "refused",
                "legacy.pt", "loads " + CheckpointMagic.NUMBER, "model.safetensors", "refused"), python);

        Map<String, String> kind = Map.of("w.npy", "not a pickle but an NPY file (Npy.read)",
                "params.npz", "not a pickle but a ZIP archive (an .npz: Npz.open; a model archive: ModelArchive.load;"
                        + " a torch checkpoint: TorchCheckpoint.load)",
                "model.pt", "not a pickle but a ZIP archive",
                "model.safetensors", "not a pickle but a safetensors file (SafeTensors.load)");
        for (Map.Entry<String, String> e : kind.entrySet()) {
            Path file = dir.resolve(e.getKey());
            // still an UnpicklingException, as Pickle.loads throws for the same bytes
            UnpicklingException refused = assertThrows(UnpicklingException.class, () -> Pickle.load(file), e.getKey());
            assertTrue(refused.getMessage().startsWith(file + ": " + e.getValue()), refused.getMessage());
            UnpicklingException all = assertThrows(UnpicklingException.class,
                    () -> Pickle.loadAll(file, UnpicklerOptions.DEFAULT), e.getKey());
            assertTrue(all.getMessage().startsWith(file + ": " + e.getValue()), all.getMessage());
        }
        // what pickle.load reads, Brine reads: torch's legacy file begins with a pickle of its magic number
        assertEquals(CheckpointMagic.NUMBER, Pickle.load(dir.resolve("legacy.pt")));

        Map<String, String> notSafetensors = Map.of("py.pkl", "but a pickle (Pickle.load)",
                "w.npy", "but an NPY file (Npy.read)", "params.npz", "but a ZIP archive", "model.pt", "but a ZIP archive",
                "legacy.pt", "but a legacy torch checkpoint (TorchCheckpoint.load)");
        for (Map.Entry<String, String> e : notSafetensors.entrySet()) {
            Path file = dir.resolve(e.getKey());
            BrineException refused = assertThrows(BrineException.class, () -> SafeTensors.load(file), e.getKey());
            assertFalse(refused instanceof LimitExceededException, refused.getMessage());
            assertTrue(refused.getMessage().startsWith(file + ": not a safetensors file " + e.getValue()),
                    refused.getMessage());
            assertTrue(refused.getMessage().contains("the header claims"), refused.getMessage());
        }
        assertEquals(List.of("W"), List.copyOf(SafeTensors.load(dir.resolve("model.safetensors")).keySet()));

        Path pkl = dir.resolve("py.pkl");
        BrineException plain = assertThrows(BrineException.class, () -> TorchCheckpoint.load(pkl));
        assertTrue(plain.getMessage().startsWith(pkl + ": not a torch checkpoint but a plain pickle (read it with"
                + " Pickle.load): its first pickle cannot be read as torch's magic number"), plain.getMessage());
        Path st = dir.resolve("model.safetensors");
        BrineException stRefused = assertThrows(BrineException.class, () -> TorchCheckpoint.load(st));
        assertTrue(stRefused.getMessage().endsWith("; it is a safetensors file (SafeTensors.load)"), stRefused.getMessage());
        Path plainNumber = dir.resolve("number.pkl");
        Files.write(plainNumber, Pickle.dumps(42L, 2));
        BrineException number = assertThrows(BrineException.class, () -> TorchCheckpoint.load(plainNumber));
        assertTrue(number.getMessage().contains("its first pickle holds 42, not torch's magic number"), number.getMessage());
    }

    /** A valid pickle that starts with a ZIP signature (a protocol 0 persistent id) is read, not refused. */
    @Test
    void aPickleThatStartsLikeAZipIsStillRead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("pid.pkl");
        Files.write(file, new byte[] {'P', 'K', 3, 4, '\n', '.'});
        assertEquals(FileKind.ZIP, FileKind.of(file));
        UnpicklerOptions withLoader = UnpicklerOptions.builder().persistentLoader(pid -> "loaded " + pid).build();
        assertEquals("loaded K\u0003\u0004", Pickle.load(file, withLoader));
    }

    /** torch.serialization.MAGIC_NUMBER. */
    private static final class CheckpointMagic {
        static final BigInteger NUMBER = new BigInteger("1950a86a20f9469cfc6c", 16);
    }
}
