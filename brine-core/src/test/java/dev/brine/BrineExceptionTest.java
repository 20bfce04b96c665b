package dev.brine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exception family: a location added in front keeps a limit's type and name. */
class BrineExceptionTest {
    @TempDir
    Path tmp;

    @Test
    void aLimitHitWhileLoadingAFileStaysALimitExceededExceptionNamingTheFile() throws Exception {
        Path f = tmp.resolve("deep.pkl");
        Files.write(f, new byte[] {(byte) 0x80, 2, '(', '(', '(', 't', 't', 't', '.'});
        UnpicklerOptions shallow = UnpicklerOptions.builder().limits(Limits.DEFAULT.toBuilder().maxDepth(2).build()).build();
        LimitExceededException e = assertThrows(LimitExceededException.class, () -> Pickle.load(f, shallow));
        assertEquals("maxDepth", e.limit());
        assertTrue(e.getMessage().startsWith(f + ": more than 2 nested MARKs at offset 4"), e.getMessage());
        assertTrue(e.getCause() instanceof LimitExceededException);
    }

    @Test
    void withContextPrefixesTheMessageAndKeepsTheCause() {
        BrineException plain = new BrineException("bad thing at offset 3");
        BrineException wrapped = plain.withContext("model.zip: member W");
        assertEquals("model.zip: member W: bad thing at offset 3", wrapped.getMessage());
        assertSame(plain, wrapped.getCause());
    }
}
