package dev.brine.torch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.BrineException;
import dev.brine.ndarray.DType;
import dev.brine.ndarray.NDArray;
import dev.brine.testing.Python;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Conjugate and negative views ({@code x.conj()}, {@code x.conj().imag}, {@code torch._neg_view(x)}):
 * torch saves their stored values with {@code {'conj': True}} / {@code {'neg': True}} as the last
 * argument of {@code _rebuild_tensor_v2}/{@code _v3}; Brine must load the values torch resolves them to.
 */
class TorchViewBitsTest {
    @TempDir
    Path dir;

    static final String PY_BITS = String.join("\n",
            "import sys, torch, warnings",
            "warnings.filterwarnings('ignore')",
            "def bits():",
            "    g = torch.Generator().manual_seed(5)",
            "    z = torch.randn(3, 4, generator=g, dtype=torch.complex64)",
            "    z128 = torch.randn(5, generator=g, dtype=torch.complex128)",
            "    z32 = torch.randn(4, generator=g, dtype=torch.complex64).to(torch.complex32)",
            "    f = torch.tensor([0., -0., 1.5, -2., float('inf'), float('-inf')])",
            "    ints = lambda dt: torch.tensor([torch.iinfo(dt).min, -1, 0, 1, torch.iinfo(dt).max], dtype=dt)",
            // zc and z, fn and f share a storage: the plain tensor keeps the stored values
            "    d = {'zc': z.conj(), 'z': z, 'zcT': z.conj().t(), 'zcs': z.conj()[:, ::2], 'z128c': z128.conj(),",
            "         'z32c': z32.conj(), 'im': z.clone().conj().imag, 'fn': torch._neg_view(f), 'f': f,",
            "         'h': torch._neg_view(f.half()), 'bf': torch._neg_view(f.bfloat16()), 'd': torch._neg_view(f.double()),",
            "         'i8': torch._neg_view(ints(torch.int8)),",
            "         'u8': torch._neg_view(torch.tensor([0, 1, 128, 255], dtype=torch.uint8)),",
            "         'i16': torch._neg_view(ints(torch.int16)), 'i32': torch._neg_view(ints(torch.int32)),",
            "         'i64': torch._neg_view(ints(torch.int64)), 'zn': torch._neg_view(z), 'znc': torch._neg_view(z).conj(),",
            "         'empty': torch.zeros(0, 2, dtype=torch.complex64).conj(), 'scalar': torch.tensor(1 + 2j).conj(),",
            "         'param': torch.nn.Parameter(z128.conj(), requires_grad=False)}",
            "    assert all(v.is_conj() or v.is_neg() for k, v in d.items() if k not in ('z', 'f'))",
            "    return d",
            "def resolved(d):",
            "    return {k: v.resolve_conj().resolve_neg() for k, v in d.items()}",
            "");

    @Test
    void conjugateAndNegativeViewsLoadAsTorchResolvesThem() throws Exception {
        Python.require("torch");
        Python.checkText(String.join("\n", PY_BITS,
                "out = sys.argv[1]",
                "torch.save(bits(), out + '/bits.pt')",
                "torch.save(bits(), out + '/legacy.pt', _use_new_zipfile_serialization=False)",
                "torch.save(resolved(bits()), out + '/resolved.pt')",
                "print('ok')"), dir);
        Map<?, ?> want = (Map<?, ?>) TorchCheckpoint.load(dir.resolve("resolved.pt"));
        assertEquals(22, want.size());
        for (String file : List.of("bits.pt", "legacy.pt")) {
            for (TorchOptions o : List.of(TorchOptions.DEFAULT, TorchOptions.builder().mmap(true).build())) {
                Map<?, ?> got = (Map<?, ?>) TorchCheckpoint.load(dir.resolve(file), o);
                assertEquals(want.keySet(), got.keySet());
                for (Object k : want.keySet()) {
                    assertEquals(want.get(k), got.get(k), file + " " + k + " mmap " + o.mmap());
                }
                // the conj view is a copy; the plain tensor still views the stored bytes
                assertNotSame(root((NDArray) got.get("z")), root((NDArray) got.get("zc")), file);
                assertNotSame(root((NDArray) got.get("f")), root((NDArray) got.get("fn")), file);
            }
        }
        // spot checks of what the values are, independent of torch's resolved copy
        Map<?, ?> got = (Map<?, ?>) TorchCheckpoint.load(dir.resolve("bits.pt"));
        NDArray fn = (NDArray) got.get("fn");
        assertEquals(Double.doubleToLongBits(-0.0), Double.doubleToLongBits(fn.getDouble(0)));
        assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits(fn.getDouble(1)));
        assertEquals(Double.NEGATIVE_INFINITY, fn.getDouble(4));
        assertEquals(Byte.MIN_VALUE, ((NDArray) got.get("i8")).getLong(0)); // -(-128) wraps
        assertEquals(DType.COMPLEX32, ((NDArray) got.get("z32c")).dtype());
    }

    private static Object root(NDArray a) {
        return a.storage().base() == null ? a.storage() : a.storage().base();
    }

    @Test
    void resolvedViewsWrittenBackLoadInTorchAsTheSameValues() throws Exception {
        Python.require("torch");
        Python.checkText(String.join("\n", PY_BITS, "torch.save(bits(), sys.argv[1])", "print('ok')"),
                dir.resolve("bits.pt"));
        Path ours = dir.resolve("ours.pt");
        TorchCheckpoint.save(TorchCheckpoint.load(dir.resolve("bits.pt")), ours);
        String out = Python.checkText(String.join("\n", PY_BITS,
                "want = resolved(bits())",
                "got = torch.load(sys.argv[1], weights_only=True)",
                "assert list(got) == list(want)",
                "for k in want:",
                "    a, b = want[k], got[k]",
                "    assert not b.is_conj() and not b.is_neg(), k",
                "    assert a.dtype == b.dtype and a.shape == b.shape, k",
                "    if a.dtype == torch.complex32:",
                "        a, b = a.to(torch.complex64), b.to(torch.complex64)",
                "    assert torch.equal(a, b), (k, a, b)",
                "    assert torch.equal(torch.signbit(torch.view_as_real(a) if a.is_complex() else a),",
                "                       torch.signbit(torch.view_as_real(b) if b.is_complex() else b)), k",
                "print('ok')"), ours);
        assertEquals("ok", out.strip());
    }

    /** Metadata torch never writes, made by replacing torch._utils.get_tensor_metadata while saving. */
    @Test
    void metadataBrineCannotApplyIsRefusedByName() throws Exception {
        Python.require("torch");
        Python.checkText(String.join("\n",
                "import sys, torch, warnings",
                "warnings.filterwarnings('ignore')",
                "orig = torch._utils.get_tensor_metadata",
                "def save(name, t, md):",
                "    torch._utils.get_tensor_metadata = lambda x: md",
                "    try:",
                "        torch.save({'t': t}, sys.argv[1] + '/' + name + '.pt')",
                "    finally:",
                "        torch._utils.get_tensor_metadata = orig",
                "f = torch.tensor([1., 2.])",
                "save('unknown', f, {'zero': True})",
                "save('false', f, {'neg': False})",
                "save('conjreal', f, {'conj': True})",
                "save('negbool', torch.tensor([True, False]), {'neg': True})",
                "save('negu16', torch.tensor([1, 2], dtype=torch.uint16), {'neg': True})",
                "save('negf8', f.to(torch.float8_e4m3fn), {'neg': True})",
                "save('emptymd', f, {})",
                // metadata torch takes as none, `if metadata:` (torch.save writes only a truthy one)
                "import collections",
                "class R:",
                "    def __init__(s, md): s.md = md",
                "    def __reduce__(s): return (torch._utils._rebuild_tensor_v2,"
                        + " (f._typed_storage(), 0, (2,), (1,), False, collections.OrderedDict(), s.md))",
                "for name, md in (('mdtuple', ()), ('mdzero', 0), ('mdnone', None), ('mdlist', [])):",
                "    torch.save({'t': R(md)}, sys.argv[1] + '/' + name + '.pt')",
                "    assert torch.equal(torch.load(sys.argv[1] + '/' + name + '.pt')['t'], f)",
                "print('ok')"), dir);
        Map<String, String> refusals = Map.of(
                "unknown", "unknown tensor metadata 'zero'",
                "false", "tensor metadata 'neg' is False",
                "conjreal", "the conj bit is set on a tensor of float32",
                "negbool", "the neg bit is set on a tensor of bool",
                "negu16", "the neg bit is set on a tensor of uint16",
                "negf8", "the neg bit is set on a tensor of float8_e4m3fn");
        for (Map.Entry<String, String> e : refusals.entrySet()) {
            BrineException x = assertThrows(BrineException.class,
                    () -> TorchCheckpoint.load(dir.resolve(e.getKey() + ".pt")), e.getKey());
            assertTrue(x.getMessage().contains(e.getValue()) && x.getMessage().contains(e.getKey() + ".pt"),
                    x.getMessage());
        }
        for (String none : List.of("emptymd", "mdtuple", "mdzero", "mdnone", "mdlist")) {
            Map<?, ?> ok = (Map<?, ?>) TorchCheckpoint.load(dir.resolve(none + ".pt"));
            assertEquals(NDArray.of(new float[] {1, 2}, 2), ok.get("t"), none);
        }
    }
}
