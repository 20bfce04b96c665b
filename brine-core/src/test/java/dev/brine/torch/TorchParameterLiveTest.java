package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code nn.Parameter}s read with {@link TorchOptions.Builder#keepParameters} stay Parameters when saved again: a list
 * of Parameters (requires_grad on and off, one shared twice) and a whole model saved with
 * {@code torch.save(model)}, whose {@code parameters()} torch must give back as trainable Parameters. Oracle: torch,
 * live: its files are read, saved again by Brine and compared with torch's own member by member (byte-identical
 * {@code data.pkl}), then loaded by torch, which checks types, flags and that a backward pass reaches every
 * parameter. A Parameter's Python attributes are dropped, as a tensor's are: torch loads it without them.
 */
class TorchParameterLiveTest {
    @TempDir
    Path dir;

    private static final TorchOptions KEEP = TorchOptions.builder().keepParameters(true).build();
    private static final TorchOptions KEEP_MODEL = TorchOptions.builder().keepParameters(true).genericObjects(true)
            .build();

    private static final String PY_SAVE = String.join("\n",
            "import sys, torch",
            "torch.manual_seed(0)",
            "p = torch.nn.Parameter(torch.arange(4, dtype=torch.float32))",
            "q = torch.nn.Parameter(torch.ones(2, 3, dtype=torch.float64), requires_grad=False)",
            "r = torch.nn.Parameter(torch.zeros(3))",
            "torch.save([p, q, r, torch.ones(2), {'again': p}], sys.argv[1])",
            "r.note = 'tied'",
            "torch.save(r, sys.argv[1] + '.note.pt')",
            "torch.save(torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1)), sys.argv[2])");

    @Test
    void parametersReadKeptAreSavedAsTorchSavesThem() throws Exception {
        Python.require("torch");
        Path list = dir.resolve("params.pt");
        Path model = dir.resolve("model.pt");
        Python.checkText(PY_SAVE, list, model);

        List<?> read = (List<?>) TorchCheckpoint.load(list, KEEP);
        TorchParameter p = assertInstanceOf(TorchParameter.class, read.get(0));
        TorchParameter q = assertInstanceOf(TorchParameter.class, read.get(1));
        TorchParameter r = assertInstanceOf(TorchParameter.class, read.get(2));
        assertTrue(p.requiresGrad());
        assertFalse(q.requiresGrad());
        assertTrue(r.requiresGrad());
        assertEquals(3.0, p.data().getDouble(3));
        assertInstanceOf(NDArray.class, read.get(3)); // a plain tensor stays an array
        assertTrue(((Map<?, ?>) read.get(4)).get("again") == p, "one Parameter reached twice is one object");
        // the tensors of a checkpoint include the Parameters' data, by their paths
        assertEquals(List.of("0", "1", "2", "3", "4.again"), List.copyOf(TorchCheckpoint.tensors(read).keySet()));

        Path ours = dir.resolve("ours/params.pt");
        Path oursModel = dir.resolve("ours/model.pt");
        Files.createDirectories(ours.getParent());
        TorchCheckpoint.save(read, ours);
        TorchCheckpoint.save(TorchCheckpoint.load(model, KEEP_MODEL), oursModel, KEEP_MODEL);
        Path noted = dir.resolve("ours/noted.pt");
        TorchCheckpoint.save(TorchCheckpoint.load(dir.resolve("params.pt.note.pt"), KEEP), noted);

        String out = Python.checkText(String.join("\n", TorchLiveTest.PY_SAME_MEMBERS,
                "import sys, torch, warnings",
                "warnings.filterwarnings('ignore')",
                "same_members(sys.argv[1], sys.argv[2])",
                "same_members(sys.argv[3], sys.argv[4])",
                "P = torch.nn.Parameter",
                "p, q, r, t, d = torch.load(sys.argv[2])",
                "assert type(p) is P and type(q) is P and type(r) is P and type(t) is torch.Tensor, (p, q, r, t)",
                "assert p.requires_grad and not q.requires_grad and r.requires_grad",
                "assert d['again'] is p and torch.equal(p.data, torch.arange(4.))",
                "m = torch.load(sys.argv[4], weights_only=False)",
                "ps = list(m.parameters())",
                "assert len(ps) == 4 and all(type(x) is P and x.requires_grad for x in ps), ps",
                "m(torch.ones(5, 3)).sum().backward()",
                "assert all(x.grad is not None for x in ps), 'every parameter takes part in training'",
                "n = torch.load(sys.argv[5])",
                "assert type(n) is P and n.requires_grad and not hasattr(n, 'note'), 'attributes dropped, as a tensor s'",
                "print('ok')"), list, ours, model, oursModel, noted);
        assertEquals("ok", out.strip());
    }

    @Test
    void withoutKeepingAParameterReadsAsItsDataAsBefore() throws Exception {
        Python.require("torch");
        Path list = dir.resolve("params.pt");
        Python.checkText(PY_SAVE, list, dir.resolve("model.pt"));
        List<?> read = (List<?>) TorchCheckpoint.load(list);
        for (int i = 0; i < 4; i++) {
            assertInstanceOf(NDArray.class, read.get(i));
        }
        assertEquals(read.get(0), ((TorchParameter) ((List<?>) TorchCheckpoint.load(list, KEEP)).get(0)).data());
    }

    @Test
    void aRequiresGradThatIsNoBoolIsRefusedAsTorchRefusesIt() throws Exception {
        Python.require("torch");
        Path bad = dir.resolve("bad.pt");
        String refusal = Python.checkText(String.join("\n",
                "import sys, torch, collections",
                "class P:",
                "    def __reduce__(self):",
                "        return (torch._utils._rebuild_parameter, (torch.ones(2), 1, collections.OrderedDict()))",
                "torch.save(P(), sys.argv[1])",
                "try:",
                "    torch.load(sys.argv[1])",
                "except TypeError as e:",
                "    print(e)"), bad);
        assertTrue(refusal.contains("must be bool, not int"), refusal);
        for (TorchOptions o : List.of(TorchOptions.DEFAULT, KEEP)) {
            BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(bad, o));
            assertTrue(e.getMessage().contains("_rebuild_parameter: requires_grad must be a bool, not 1"), e.getMessage());
        }
    }
}
