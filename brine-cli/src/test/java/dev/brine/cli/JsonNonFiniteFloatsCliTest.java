package dev.brine.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code show --json} wrote {@code float('nan')} and the string {@code 'nan'} alike ({@code "nan"}), in values, array
 * elements and stats. A NaN or an infinity is now {@code {"__float__": "nan"}} ({@code "inf"}, {@code "-inf"}), as bytes
 * are {@code {"__bytes__": ...}}. Oracle: CPython's json module reads the output, turning each marker back with
 * {@code float()}, and gets the pickled values (numpy's for the arrays, with {@code np.nanmax} for the stats).
 */
class JsonNonFiniteFloatsCliTest {
    @TempDir
    Path tmp;

    /** Writes {@code pkl} with the Python script {@code write}, and {@code show --json} of it to a file beside it. */
    private Path showJson(String write, Path pkl, String... flags) throws Exception {
        Python.check(write, new byte[0], pkl.toString());
        String[] args = new String[flags.length + 3];
        args[0] = "show";
        args[1] = "--json";
        System.arraycopy(flags, 0, args, 2, flags.length);
        args[args.length - 1] = pkl.toString();
        CliTest.Run show = CliTest.run(args);
        assertEquals(0, show.status(), show.err());
        return Files.writeString(pkl.resolveSibling(pkl.getFileName() + ".json"), show.out());
    }

    @Test
    void nonFiniteFloatsHaveAMarkerThatNoStringHas() throws Exception {
        Python.require("numpy");
        String write = "import pickle, sys, numpy as np\n"
                + "v = [float('nan'), 'nan', float('inf'), 'inf', -float('inf'), '-inf', 1.5,"
                + " np.array([np.nan, 1.0, -np.inf]), np.array([np.inf, 0.25], np.float32)]\n"
                + "pickle.dump(v, open(sys.argv[1], 'wb'), 4)\n";
        Path pkl = tmp.resolve("n.pkl");
        Path json = showJson(write, pkl, "--stats");
        assertEquals("ok", Python.checkText("import json, math, pickle, sys, numpy as np\n"
                + "def hook(d):\n"
                + "    return float(d['__float__']) if list(d) == ['__float__'] and isinstance(d['__float__'], str)"
                + " and d['__float__'] in ('nan', 'inf', '-inf') else d\n"
                + "got = json.load(open(sys.argv[2]), object_hook=hook)\n"
                + "src = pickle.load(open(sys.argv[1], 'rb'))\n"
                + "def same(a, b):\n"
                + "    if isinstance(a, float): return isinstance(b, float) and (a == b or math.isnan(a) and math.isnan(b))\n"
                + "    return type(a) is type(b) and a == b\n"
                + "for i in range(7): assert same(got[i], src[i]), (i, got[i], src[i])\n"
                + "for g, s in zip(got[7:], src[7:]):\n"
                + "    nd = g['__ndarray__']\n"
                + "    assert all(same(x, float(y)) for x, y in zip(nd['values'], s.tolist())), (nd, s)\n"
                + "    f = s[np.isfinite(s) | np.isinf(s)]\n"
                + "    assert same(nd['stats']['max'], float(np.nanmax(f))), nd['stats']\n"
                + "print('ok')", pkl, json).strip());
    }

    /**
     * A dict whose key is a marker name ({'__float__': 'nan'}, {'__bytes__': ...}) read as the value the marker stands
     * for. Its key is now written by its repr, as a str key that reads as another key's repr is; oracle: CPython's json
     * with the markers' hook gives back no float and no bytes for them, and each key is Python's repr of the pickled one.
     */
    @Test
    void aDictWhoseKeyIsAMarkerNameIsNotReadAsTheMarker() throws Exception {
        String write = "import pickle, sys\n"
                + "v = [{'__float__': 'nan'}, {'__bytes__': 'AA=='}, {'__bytearray__': ''}, {'__ndarray__': {}},"
                + " {'__object__': 'os.system', 'args': ['ls']}, {'__float__x': 1}, float('nan')]\n"
                + "pickle.dump(v, open(sys.argv[1], 'wb'), 4)\n";
        Path pkl = tmp.resolve("m.pkl");
        Path json = showJson(write, pkl);
        assertEquals("ok", Python.checkText("import json, math, pickle, sys\n"
                + "MARKERS = {'__float__', '__bytes__', '__bytearray__', '__ndarray__', '__object__'}\n"
                + "got = json.load(open(sys.argv[2]))\n"
                + "src = pickle.load(open(sys.argv[1], 'rb'))\n"
                + "for g, s in zip(got[:6], src[:6]):\n"
                + "    assert not MARKERS & set(g), g\n"
                + "    assert list(g) == [k if k not in MARKERS else repr(k) for k in s], (g, s)\n"
                + "assert got[6] == {'__float__': 'nan'} and math.isnan(src[6]), got[6]\n"
                + "print('ok')", pkl, json).strip());
    }
}
