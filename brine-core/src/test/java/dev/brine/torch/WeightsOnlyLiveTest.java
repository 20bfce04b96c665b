package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.ndarray.NDArray;
import dev.brine.pickle.PicklingException;
import dev.brine.py.ByteArray;
import dev.brine.py.Complex;
import dev.brine.py.FrozenSet;
import dev.brine.py.OrderedDict;
import dev.brine.py.Tuple;
import dev.brine.testing.Python;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TorchOptions#DEFAULT} against torch's own {@code torch.load(weights_only=True)}, value type by value
 * type: a checkpoint torch refuses Brine refuses, one torch loads Brine loads; and what a default save writes
 * torch's default load reads, the rest being refused at save time.
 */
class WeightsOnlyLiveTest {
    @TempDir
    Path dir;

    /** Python values torch.save writes, by name; each saved beside a tensor. */
    private static final Map<String, String> PYTHON_VALUES = new LinkedHashMap<>();

    static {
        PYTHON_VALUES.put("date", "datetime.date(2020, 1, 2)");
        PYTHON_VALUES.put("time", "datetime.time(1, 2, 3)");
        PYTHON_VALUES.put("time_tz", "datetime.time(1, 2, tzinfo=datetime.timezone.utc)");
        PYTHON_VALUES.put("datetime", "datetime.datetime(2020, 1, 2, 3, 4)");
        PYTHON_VALUES.put("timedelta", "datetime.timedelta(1, 2)");
        PYTHON_VALUES.put("timezone", "datetime.timezone(datetime.timedelta(hours=2))");
        PYTHON_VALUES.put("decimal", "decimal.Decimal('1.5')");
        PYTHON_VALUES.put("decimal_nan", "decimal.Decimal('NaN')");
        PYTHON_VALUES.put("frozenset", "frozenset([1])");
        PYTHON_VALUES.put("frozenset_empty", "frozenset()");
        PYTHON_VALUES.put("bytes_empty", "b''");
        PYTHON_VALUES.put("bytes", "b'ab'");
        PYTHON_VALUES.put("bytearray", "bytearray(b'ab')");
        PYTHON_VALUES.put("set", "{1, 2}");
        PYTHON_VALUES.put("set_empty", "set()");
        PYTHON_VALUES.put("complex", "1+2j");
        PYTHON_VALUES.put("ordereddict", "collections.OrderedDict(a=1)");
        PYTHON_VALUES.put("object", "object()");
        PYTHON_VALUES.put("plain", "[1, 2.5, 'a', (True, None), {'k': 2**70}]");
        PYTHON_VALUES.put("size_device", "(torch.Size([2, 3]), torch.device('cpu'))");
    }

    @Test
    void theDefaultLoadRefusesWhatTorchsDefaultLoadRefuses() throws Exception {
        Python.require("torch");
        StringBuilder script = new StringBuilder(String.join("\n",
                "import sys, os, torch, datetime, decimal, collections, warnings",
                "warnings.simplefilter('ignore')",
                "for name, v in [" + pythonCases() + "]:",
                "    path = os.path.join(sys.argv[1], name + '.pt')",
                "    torch.save({'x': v, 't': torch.zeros(2)}, path)",
                "    try:",
                "        torch.load(path, weights_only=True)",
                "        print(name, 'ok')",
                "    except Exception as e:",
                "        assert 'was not an allowed global by default' in str(e), e",
                "        print(name, 'refused')",
                ""));
        List<String> torch = Python.checkText(script.toString(), dir).lines().toList();
        assertEquals(PYTHON_VALUES.size(), torch.size(), String.join("\n", torch));
        int refused = 0;
        for (String line : torch) {
            String name = line.split(" ")[0];
            boolean torchLoads = line.endsWith(" ok");
            Path file = dir.resolve(name + ".pt");
            String brine;
            try {
                TorchCheckpoint.load(file);
                brine = "ok";
            } catch (BrineException e) {
                assertTrue(e.getMessage().contains("is not allowed"), e.getMessage());
                brine = "refused";
                refused++;
            }
            assertEquals(torchLoads ? "ok" : "refused", brine, name);
            // the documented way to trust more reads every builtin value torch refuses by default
            Map<?, ?> all = (Map<?, ?>) TorchCheckpoint.load(file, TorchOptions.builder()
                    .registry(ClassRegistry.builtins()).build());
            assertTrue(all.containsKey("x"), name);
        }
        assertEquals(12, refused, String.join("\n", torch)); // the dates, times, Decimals, frozensets, b'', object()
    }

    @Test
    void collectionsCounterIsTheOneGlobalTorchAllowsThatBrineDoesNotRead() throws Exception {
        // torch's allowlist holds collections.Counter; Brine has no Counter and refuses it, by name
        Python.require("torch");
        Python.checkText(String.join("\n", "import sys, torch, collections",
                "torch.save({'c': collections.Counter('aab')}, sys.argv[1])",
                "assert torch.load(sys.argv[1], weights_only=True)['c']['a'] == 2"), dir.resolve("counter.pt"));
        BrineException e = assertThrows(BrineException.class, () -> TorchCheckpoint.load(dir.resolve("counter.pt")));
        assertTrue(e.getMessage().contains("collections.Counter"), e.getMessage());
    }

    /** Java values Brine maps to Python values, by name. */
    private static Map<String, Object> javaValues() {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("LocalDate", LocalDate.of(2020, 1, 2));
        v.put("LocalDateTime", LocalDateTime.of(2020, 1, 2, 3, 4));
        v.put("OffsetDateTime", OffsetDateTime.of(2020, 1, 2, 3, 4, 5, 0, ZoneOffset.ofHours(2)));
        v.put("LocalTime", LocalTime.of(1, 2));
        v.put("OffsetTime", OffsetTime.of(1, 2, 3, 0, ZoneOffset.UTC));
        v.put("Duration", Duration.ofSeconds(3));
        v.put("ZoneOffset", ZoneOffset.ofHours(2));
        v.put("BigDecimal", new BigDecimal("1.5"));
        v.put("FrozenSet", FrozenSet.of(1L));
        v.put("FrozenSet_empty", FrozenSet.of());
        v.put("bytes_empty", new byte[0]);
        v.put("bytes", new byte[] {1, 2});
        v.put("ByteArray", ByteArray.wrap(new byte[] {1}));
        v.put("Set", new LinkedHashSet<>(List.of(1L, 2L)));
        v.put("Set_empty", new LinkedHashSet<>());
        v.put("Complex", new Complex(1, 2));
        OrderedDict<Object, Object> od = new OrderedDict<>();
        od.put("a", 1L);
        v.put("OrderedDict", od);
        v.put("plain", new ArrayList<>(List.of(1L, 2.5, "a", Tuple.of(true, BigInteger.TWO.pow(70)))));
        v.put("TorchSize", TorchSize.of(2, 3));
        v.put("TorchDevice", new TorchDevice("cpu", null));
        return v;
    }

    @Test
    void theDefaultSaveRefusesExactlyWhatTorchsDefaultLoadRefuses() throws Exception {
        Python.require("torch");
        TorchOptions trusting = TorchOptions.builder().registry(ClassRegistry.builtins()).build();
        Map<String, PicklingException> refusals = new LinkedHashMap<>();
        Map<String, Boolean> predicted = new LinkedHashMap<>(); // weightsOnlyRefusal of the trusting save
        for (Map.Entry<String, Object> e : javaValues().entrySet()) {
            Map<String, Object> checkpoint = new LinkedHashMap<>();
            checkpoint.put("w", NDArray.of(new float[] {1, 2}, 2));
            checkpoint.put("x", e.getValue());
            TorchCheckpoint.save(checkpoint, dir.resolve("trusting_" + e.getKey() + ".pt"), trusting);
            predicted.put(e.getKey(), TorchCheckpoint.weightsOnlyRefusal(checkpoint, trusting).isPresent());
            try {
                TorchCheckpoint.save(checkpoint, dir.resolve("default_" + e.getKey() + ".pt"));
            } catch (PicklingException refused) {
                refusals.put(e.getKey(), refused);
            }
        }
        List<String> torch = Python.checkText(String.join("\n",
                "import sys, os, torch, warnings",
                "warnings.simplefilter('ignore')",
                "for f in sorted(os.listdir(sys.argv[1])):",
                "    try:",
                "        torch.load(os.path.join(sys.argv[1], f), weights_only=True)",
                "        print(f[:-3], 'ok')",
                "    except Exception as e:",
                "        assert 'was not an allowed global by default' in str(e), e",
                "        print(f[:-3], 'refused')",
                ""), dir).lines().toList();
        for (String line : torch) {
            String file = line.split(" ")[0];
            boolean torchLoads = line.endsWith(" ok");
            if (file.startsWith("default_")) {
                assertTrue(torchLoads, line); // every file the default save writes loads with torch's default
            } else {
                String name = file.substring("trusting_".length());
                assertEquals(torchLoads, !refusals.containsKey(name), line);
                assertEquals(torchLoads, !predicted.get(name), line);
                assertEquals(torchLoads, Files.exists(dir.resolve("default_" + name + ".pt")), line);
            }
        }
        assertEquals(2 * javaValues().size() - refusals.size(), torch.size(), String.join("\n", torch));
        assertEquals(List.of("LocalDate", "LocalDateTime", "OffsetDateTime", "LocalTime", "OffsetTime", "Duration",
                "ZoneOffset", "BigDecimal", "FrozenSet", "FrozenSet_empty", "bytes_empty"), List.copyOf(refusals.keySet()));
        String message = refusals.get("BigDecimal").getMessage();
        assertTrue(message.startsWith("cannot save the java.math.BigDecimal at 'x' in a torch checkpoint: it pickles as"
                + " decimal.Decimal, which torch.load(weights_only=True), torch's default, refuses"), message);
        assertTrue(message.contains("TorchOptions.builder().registry(ClassRegistry.builtins())"), message);
    }

    @Test
    void aRefusalNamesTheValuesDottedPath() throws Exception {
        Map<String, Object> inner = new LinkedHashMap<>();
        inner.put("ok", 1L);
        inner.put("when", LocalDate.of(2020, 1, 2));
        Map<Object, Object> checkpoint = new LinkedHashMap<>();
        checkpoint.put("w", NDArray.of(new float[] {1}, 1));
        checkpoint.put("meta", List.of("a", inner));
        checkpoint.put(FrozenSet.of(1L), "a frozenset key");
        PicklingException e = assertThrows(PicklingException.class,
                () -> TorchCheckpoint.save(checkpoint, dir.resolve("nested.pt")));
        assertTrue(e.getMessage().startsWith("cannot save the java.time.LocalDate at 'meta.1.when' "), e.getMessage());
        checkpoint.remove("meta");
        e = assertThrows(PicklingException.class, () -> TorchCheckpoint.save(checkpoint, dir.resolve("key.pt")));
        assertTrue(e.getMessage().startsWith("cannot save the dev.brine.py.FrozenSet at 'frozenset({1}) (key)' "),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("nested.pt")) || Files.exists(dir.resolve("key.pt")));
        // a list holding itself: the value is still found, once
        List<Object> loop = new ArrayList<>();
        loop.add(loop);
        loop.add(Duration.ofSeconds(1));
        e = assertThrows(PicklingException.class, () -> TorchCheckpoint.save(Map.of("loop", loop), dir.resolve("loop.pt")));
        assertTrue(e.getMessage().startsWith("cannot save the java.time.Duration at 'loop.1' "), e.getMessage());
        // generic objects on: anything is written (such options read it back)
        TorchOptions anything = TorchOptions.builder().genericObjects(true).build();
        TorchCheckpoint.save(checkpoint, dir.resolve("key.pt"), anything);
        assertTrue(Files.exists(dir.resolve("key.pt")));
    }

    private static String pythonCases() {
        List<String> cases = new ArrayList<>();
        PYTHON_VALUES.forEach((name, expr) -> cases.add("('" + name + "', " + expr + ")"));
        return String.join(", ", cases);
    }
}
