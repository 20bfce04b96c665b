package dev.brine.npy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.safetensors.SafeTensors;
import dev.brine.testing.Python;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Npy#toBytes} and {@link SafeTensors#toBytes} build a file in one byte[]: one of more than a byte[] holds
 * (an array over 2 GiB) is refused up front with a BrineException naming its size and the streaming writer, where the
 * stream's growth ended in a raw OutOfMemoryError. The array here is numpy's own {@code open_memmap} of 2^31 + 17
 * bytes (a sparse file, so no disk or heap is spent), mapped by Brine; a small array's bytes are still numpy's.
 */
class InMemoryFileSizeTest {
    @TempDir
    Path tmp;

    @Test
    void filesBiggerThanAByteArrayAreRefusedUpFrontNotWithOutOfMemory() throws IOException {
        Python.require("numpy");
        Path big = tmp.resolve("big.npy");
        Path small = tmp.resolve("small.npy");
        Python.check(String.join("\n",
                "import numpy as np, sys",
                "m = np.lib.format.open_memmap(sys.argv[1], mode='w+', dtype=np.uint8, shape=(2**31 + 17,))",
                "m[-1] = 7",
                "m.flush(); del m",
                "assert np.load(sys.argv[1], mmap_mode='r').shape == (2**31 + 17,)",
                "np.save(sys.argv[2], np.arange(5, dtype='<f4'))"), new byte[0], big.toString(), small.toString());
        NDArray huge = Npy.map(big, false);
        assertEquals((1L << 31) + 17, huge.nbytes());
        BrineException npy = assertThrows(BrineException.class, () -> Npy.toBytes(huge));
        assertTrue(npy.getMessage().contains("more than a Java byte[] holds") && npy.getMessage().contains("Npy.write"),
                npy.getMessage());
        BrineException st = assertThrows(BrineException.class, () -> SafeTensors.toBytes(Map.of("t", huge), Map.of()));
        assertTrue(st.getMessage().contains("more than a Java byte[] holds") && st.getMessage().contains("SafeTensors.write"),
                st.getMessage());
        assertArrayEquals(Files.readAllBytes(small), Npy.toBytes(Npy.read(small)));
    }
}
