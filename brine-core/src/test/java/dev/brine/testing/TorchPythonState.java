package dev.brine.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checkpoints whose tensors carry Python-side state that names a global, saved by the real torch (and one legacy
 * file whose header pickle does), for the tests of what a reader that drops that state must still report; with
 * the oracles: which globals {@code torch.load(weights_only=False)}'s unpickler looks up, and what
 * {@code torch.load(weights_only=True)} refuses. Nothing named is ever run: the calls are made with
 * {@code __reduce__}, and the recorder hands back stubs.
 */
public final class TorchPythonState {
    private TorchPythonState() {
    }

    /**
     * Each file {@link #save} writes that names a global torch's safe loader refuses, and what it holds: a
     * {@code nn.Parameter} with an attribute ({@code _rebuild_parameter_with_state}), in both formats; a tensor of
     * a user subclass and a plain tensor with an attribute ({@code _rebuild_from_type_v2}); a tensor whose backward
     * hooks slot holds a call (torch writes an empty OrderedDict there, a crafted file anything); a legacy file whose
     * sys_info header pickle holds a call.
     */
    public static final List<String> NAMING = List.of("parameter_state.pt", "parameter_state_legacy.pt",
            "subclass.pt", "tensor_attribute.pt", "hooks.pt", "legacy_header.pt");

    /** The files {@link #save} writes that name nothing torch's safe loader refuses: parameters, tensors, a module's state. */
    public static final List<String> CLEAN = List.of("clean.pt", "clean_legacy.pt");

    private static final String SAVE = "import os, sys, types, pickle, collections, torch\n"
            + "os.chdir(sys.argv[1])\n"
            + "open('evilmod.py', 'w').write('import torch\\n'\n"
            + "    'class Marker:\\n    def __init__(self, *a): self.a = a\\n'\n"
            + "    'class MyTensor(torch.Tensor):\\n    pass\\n')\n"
            + "sys.path.insert(0, '.')\n"
            + "import evilmod\n"
            + "class Call:\n"
            + "    def __init__(self, f, *args): self.f, self.args = f, args\n"
            + "    def __reduce__(self): return (self.f, self.args)\n"
            + "p = torch.nn.Parameter(torch.ones(2))\n"
            + "p.note = Call(os.getcwd)\n"
            + "torch.save({'p': p}, 'parameter_state.pt')\n"
            + "torch.save({'p': p}, 'parameter_state_legacy.pt', _use_new_zipfile_serialization=False)\n"
            + "torch.save({'t': torch.arange(3.).as_subclass(evilmod.MyTensor)}, 'subclass.pt')\n"
            + "t = torch.ones(2)\nt.extra = evilmod.Marker(1)\n"
            + "torch.save({'t': t}, 'tensor_attribute.pt')\n"
            + "class Hooked:\n"
            + "    def __reduce_ex__(self, proto):\n"
            + "        func, args = torch.ones(2)._reduce_ex_internal(proto)\n"
            + "        return (func, args[:5] + (Call(os.getcwd),) + args[6:])\n"
            + "torch.save({'h': Hooked()}, 'hooks.pt')\n"
            + "header = types.ModuleType('header')\n"
            + "header.Pickler, header.Unpickler, header.load = pickle.Pickler, pickle.Unpickler, pickle.load\n"
            + "def dump(obj, f, protocol=2):\n"
            + "    if isinstance(obj, dict) and 'protocol_version' in obj:\n" // torch's sys_info
            + "        obj = dict(obj, x=Call(os.getcwd))\n"
            + "    pickle.dump(obj, f, protocol=protocol)\n"
            + "header.dump = dump\n"
            + "torch.save({'w': torch.ones(2)}, 'legacy_header.pt', pickle_module=header,"
            + " _use_new_zipfile_serialization=False)\n"
            + "m = torch.nn.Linear(2, 2)\n"
            + "clean = {'w': torch.nn.Parameter(torch.ones(2)), 'frozen': torch.nn.Parameter(torch.ones(1), requires_grad=False),"
            + " 'b': torch.zeros(3, dtype=torch.int64), 'model': m.state_dict(), 'size': torch.Size([2])}\n"
            + "torch.save(clean, 'clean.pt')\n"
            + "torch.save(clean, 'clean_legacy.pt', _use_new_zipfile_serialization=False)\n";

    /** Writes the files of {@link #NAMING} and {@link #CLEAN} (and the module {@code evilmod.py}) into {@code dir}. */
    public static void save(Path dir) throws IOException {
        Python.check(SAVE, new byte[0], dir.toString());
    }

    /**
     * What {@code torch.load(weights_only=False)} asks its unpickler's find_class for, in order, one per line: a ZIP
     * checkpoint's data.pkl, a legacy file's five pickles (torch reads its header ones with {@code pickle.load} too).
     * Each name gets a stub: nothing is imported or run.
     */
    private static final String FIND_CLASS = "import sys, io, pickle, zipfile\n"
            + "class Record(pickle._Unpickler):\n"
            + "    def find_class(self, module, name):\n"
            + "        print(module + '.' + name)\n"
            + "        class Stub:\n"
            + "            def __new__(cls, *a, **k): return object.__new__(cls)\n"
            + "            def __init__(self, *a, **k): pass\n"
            + "            def __setstate__(self, state): pass\n"
            + "            def __setitem__(self, k, v): pass\n"
            + "            def append(self, v): pass\n"
            + "            def extend(self, v): pass\n"
            + "        return Stub\n"
            + "    def persistent_load(self, pid): return None\n"
            + "if zipfile.is_zipfile(sys.argv[1]):\n"
            + "    z = zipfile.ZipFile(sys.argv[1])\n"
            + "    Record(io.BytesIO(z.read([n for n in z.namelist() if n.endswith('/data.pkl')][0]))).load()\n"
            + "else:\n"
            + "    f = open(sys.argv[1], 'rb')\n"
            + "    for _ in range(5):\n"
            + "        Record(f).load()\n";

    /** The globals torch's unpickler looks up for {@code file}, in order, as {@code module.name}. */
    public static List<String> findClass(Path file) throws IOException {
        return new String(Python.check(FIND_CLASS, new byte[0], file.toString()), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.isEmpty()).toList();
    }

    /** The globals {@code torch.load(weights_only=True)} allows by default, as {@code module.name}. */
    public static List<String> allowedByWeightsOnly() throws IOException {
        return new String(Python.check("import torch._weights_only_unpickler as w\n"
                + "print('\\n'.join(w._get_allowed_globals()))\n", new byte[0]), StandardCharsets.UTF_8).lines().toList();
    }

    /**
     * For each of {@code files}, the global {@code torch.load(file, weights_only=True)} refuses, as {@code module.name},
     * or "" when it loads the file (one Python run: importing torch takes seconds).
     */
    public static Map<Path, String> weightsOnlyRefusals(List<Path> files) throws IOException {
        String[] args = files.stream().map(Path::toString).toArray(String[]::new);
        List<String> lines = new String(Python.check("import sys, re, torch\n"
                + "for f in sys.argv[1:]:\n"
                + "    try:\n        torch.load(f, weights_only=True)\n        print('-')\n"
                + "    except Exception as e:\n        print(re.search(r'GLOBAL ([\\w.]+)', str(e)).group(1))\n",
                new byte[0], args), StandardCharsets.UTF_8).lines().toList();
        Map<Path, String> out = new LinkedHashMap<>();
        for (int i = 0; i < files.size(); i++) {
            out.put(files.get(i), lines.get(i).equals("-") ? "" : lines.get(i));
        }
        return out;
    }
}
