package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PickleState;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.NumpyScalar;
import dev.brine.pickle.PicklingException;
import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Java class registered by name (no {@code @PythonName}, so only its registry can write it) saves
 * into a checkpoint through {@link TorchCheckpoint#save(Object, Path, TorchOptions)}, the same
 * options that load it back. The oracle is torch: {@code torch.load(weights_only=False)} in a Python
 * that defines the class under the registered name rebuilds it with the state Java gave, tensors
 * inside the state included, and so does {@code weights_only=True} with the class allowed.
 */
class SaveWithRegistryLiveTest {
    @TempDir
    Path dir;

    /** A model whose Python name exists only in the registry below. */
    static final class Layer implements PickleState {
        Map<String, Object> state;

        @Override
        public Object getState() {
            return state;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void setState(Object state) {
            this.state = (Map<String, Object>) state;
        }
    }

    private static final ClassRegistry REGISTRY = ClassRegistry.builtins().toBuilder()
            .register("brine_torch_models", "Layer", Layer.class, Layer::new).build();
    private static final TorchOptions OPTIONS = TorchOptions.builder().registry(REGISTRY).build();

    /** {"layer": Layer(name, weight 2x3, steps), "bias": the weight's second row, a view of its storage}. */
    private static Map<String, Object> checkpoint() {
        NDArray weight = NDArray.of(new float[] {1.5f, -2f, 0.25f, 4f, 5f, -6.5f}, 2, 3);
        Layer layer = new Layer();
        layer.state = new LinkedHashMap<>();
        layer.state.put("name", "fc");
        layer.state.put("weight", weight);
        layer.state.put("steps", 3L);
        Map<String, Object> ckpt = new LinkedHashMap<>();
        ckpt.put("layer", layer);
        ckpt.put("bias", NDArray.wrap(DType.FLOAT32, dev.brine.ndarray.Order.C, new long[] {3}, weight.storage().view(12, 12)));
        return ckpt;
    }

    private static final String DEFINE_LAYER = String.join("\n",
            "import sys, types, torch",
            "mod = types.ModuleType('brine_torch_models'); sys.modules['brine_torch_models'] = mod",
            "class Layer: pass",
            "Layer.__module__ = 'brine_torch_models'; mod.Layer = Layer",
            "def check(ck):",
            "    layer = ck['layer']",
            "    assert type(layer) is Layer, type(layer)",
            "    assert sorted(layer.__dict__) == ['name', 'steps', 'weight'], layer.__dict__",
            "    assert layer.name == 'fc' and layer.steps == 3, layer.__dict__",
            "    w = layer.weight",
            "    assert isinstance(w, torch.Tensor) and w.dtype == torch.float32, w",
            "    assert w.tolist() == [[1.5, -2.0, 0.25], [4.0, 5.0, -6.5]], w",
            "    b = ck['bias']",
            "    assert b.tolist() == [4.0, 5.0, -6.5], b",
            "    assert b.untyped_storage().data_ptr() == w.untyped_storage().data_ptr(), 'one storage, as in torch'",
            "    assert b.storage_offset() == 3",
            "");

    @Test
    void aRegisteredClassSavesAndTorchRebuildsIt() throws Exception {
        Python.require("torch");
        Path file = dir.resolve("model.pt");
        TorchCheckpoint.save(checkpoint(), file, OPTIONS);
        String out = Python.checkText(DEFINE_LAYER + String.join("\n",
                "check(torch.load(sys.argv[1], weights_only=False))",
                "with torch.serialization.safe_globals([Layer]):",
                "    check(torch.load(sys.argv[1], weights_only=True))",
                "print('ok')"), file).strip();
        assertEquals("ok", out);
    }

    @Test
    void theSameOptionsLoadItBackInBrine() throws Exception {
        Path file = dir.resolve("model.pt");
        TorchCheckpoint.save(checkpoint(), file, OPTIONS);
        Map<?, ?> back = assertInstanceOf(Map.class, TorchCheckpoint.load(file, OPTIONS));
        Layer layer = assertInstanceOf(Layer.class, back.get("layer"));
        assertEquals("fc", layer.state.get("name"));
        assertEquals(3L, layer.state.get("steps"));
        NDArray weight = assertInstanceOf(NDArray.class, layer.state.get("weight"));
        assertEquals(checkpoint().get("bias"), back.get("bias"));
        assertEquals(((Layer) checkpoint().get("layer")).state.get("weight"), weight);
        assertSame(weight.storage(), ((NDArray) back.get("bias")).storage().base(), "the view still views the weight");
        // without the class's registry the load refuses its name, as torch.load(weights_only=True) does
        assertThrows(dev.brine.BrineException.class, () -> TorchCheckpoint.load(file));
    }

    @Test
    void aStreamSaveTakesTheOptionsToo() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        TorchCheckpoint.save(checkpoint(), bytes, "archive", OPTIONS);
        Path file = dir.resolve("stream.pt");
        Files.write(file, bytes.toByteArray());
        Map<?, ?> back = assertInstanceOf(Map.class, TorchCheckpoint.load(file, OPTIONS));
        assertInstanceOf(Layer.class, back.get("layer"));
    }

    /**
     * A registry of one's own classes writes numpy's values as numpy pickles them only when it reads them back:
     * without numpy's globals the save refuses them, as the same options' load would.
     */
    @Test
    void numpyValuesWriteWhenTheRegistryReadsThem() throws Exception {
        Map<String, Object> withScalar = checkpoint();
        withScalar.put("lr", NumpyScalar.of(DType.FLOAT64, 0.5));
        Path mine = dir.resolve("mine.pt");
        PicklingException e = assertThrows(PicklingException.class, () -> TorchCheckpoint.save(withScalar, mine, OPTIONS));
        assertTrue(e.getMessage().startsWith("cannot save the dev.brine.numpy.NumpyScalar at 'lr' in a torch checkpoint:"
                + " it pickles as numpy.core.multiarray.scalar, which these options' registry does not read"), e.getMessage());
        assertFalse(Files.exists(mine), "a refused save leaves no file");
        TorchOptions numpyToo = TorchOptions.builder()
                .registry(dev.brine.numpy.NumpyPickles.addTo(REGISTRY.toBuilder(), dev.brine.numpy.NumpyNames.NUMPY1, false).build())
                .build();
        TorchCheckpoint.save(withScalar, mine, numpyToo); // reads numpy.core.multiarray.scalar back, so writes it
        Map<?, ?> back = (Map<?, ?>) TorchCheckpoint.load(mine, numpyToo);
        assertEquals(withScalar.get("lr"), back.get("lr"));
        assertEquals(List.of("layer", "bias", "lr"), List.copyOf(back.keySet()));
    }

    @Test
    void withoutTheRegistryTheRefusalSaysHowToPassIt() {
        Path file = dir.resolve("refused.pt");
        PicklingException e = assertThrows(PicklingException.class, () -> TorchCheckpoint.save(checkpoint(), file));
        assertTrue(e.getMessage().contains("TorchOptions.builder().registry("), e.getMessage());
        assertFalse(Files.exists(file), "a refused save leaves no file");
    }
}
