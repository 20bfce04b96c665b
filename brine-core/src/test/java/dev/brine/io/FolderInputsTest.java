package dev.brine.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.brine.BrineException;
import dev.brine.archive.ModelArchive;
import dev.brine.npy.Npy;
import dev.brine.npy.Npz;
import dev.brine.pickle.Disassembler;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.safetensors.SafeTensors;
import dev.brine.torch.TorchCheckpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

/**
 * A folder given to a loader is refused with a {@link BrineException} that names it once: it was the system's bare
 * {@code IOException: Is a directory}, which named no file, where the CLI and the savers said "is a folder".
 */
class FolderInputsTest {
    @TempDir
    Path dir;

    @Test
    void everyLoaderRefusesAFolderByName() {
        Map<String, Executable> loaders = new LinkedHashMap<>();
        loaders.put("Pickle.load", () -> Pickle.load(dir));
        loaders.put("Pickle.loadAll", () -> Pickle.loadAll(dir, UnpicklerOptions.DEFAULT));
        loaders.put("Npy.read", () -> Npy.read(dir));
        loaders.put("Npy.readHeader", () -> Npy.readHeader(dir, dev.brine.Limits.DEFAULT));
        loaders.put("Npy.map", () -> Npy.map(dir, false));
        loaders.put("Npz.open", () -> Npz.open(dir));
        loaders.put("TorchCheckpoint.load", () -> TorchCheckpoint.load(dir));
        loaders.put("SafeTensors.load", () -> SafeTensors.load(dir));
        loaders.put("ModelArchive.load", () -> ModelArchive.load(dir));
        loaders.put("Disassembler", () -> Disassembler.disassembleFiles(java.util.List.of(dir), new StringBuilder(), Disassembler.Options.DEFAULT));
        for (Map.Entry<String, Executable> e : loaders.entrySet()) {
            BrineException x = assertThrows(BrineException.class, e.getValue(), e.getKey());
            assertEquals(dir + ": is a folder, not a file", x.getMessage(), e.getKey());
        }
        assertEquals(true, Files.isDirectory(dir));
    }
}
