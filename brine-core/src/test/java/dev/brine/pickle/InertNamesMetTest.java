package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.brine.numpy.NumpyNames;
import dev.brine.numpy.NumpyPickles;
import dev.brine.mapping.ClassRegistry;
import dev.brine.testing.Python;
import dev.brine.py.Global;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Unpickler#inertNamesMet}: how often reading met a global its registry does not resolve, which CPython's
 * pickle.load would import (the CLI warns of them, and walks what it read only when there are some). Counted
 * against the globals CPython's find_class is asked for (pickles made with __reduce__; the commands are never run:
 * what they name is handed back as a stub), less the ones the registry resolves; and {@link Unpickler#inertGlobals}, the
 * distinct names, against the order find_class is asked for them, within {@link InertGlobals#MAX_LISTED}.
 */
class InertNamesMetTest {
    private static final UnpicklerOptions GENERIC = UnpicklerOptions.builder().genericObjects(true)
            .registry(NumpyPickles.addTo(ClassRegistry.builtins().toBuilder(), NumpyNames.NUMPY1, true).build()).build();

    @Test
    void countsTheGlobalsTheRegistryDoesNotResolve() throws IOException {
        Python.require("numpy");
        String[] values = {
            "{'w': np.ones(2), 'd': datetime.date(2020, 1, 1), 'o': collections.OrderedDict(a=1)}",
            "{'cmd': Call(os.system, 'echo PWNED')}",
            "[Call(os.system, 'x'), Call(subprocess.check_output, ['id']), os.system]",
        };
        for (String value : values) {
            for (int protocol : new int[] {0, 2, 5}) {
                String out = new String(Python.check("import os, io, sys, pickle, subprocess, collections, datetime, numpy as np\n"
                        + "class Call:\n"
                        + "    def __init__(self, f, *args): self.f, self.args = f, args\n"
                        + "    def __reduce__(self): return (self.f, self.args)\n"
                        + "data = pickle.dumps(" + value + ", " + protocol + ")\n"
                        + "names = []\n"
                        + "class Record(pickle.Unpickler):\n"
                        + "    def find_class(self, module, name):\n"
                        + "        found = super().find_class(module, name)\n"
                        + "        names.append(found)\n"
                        + "        return (lambda *a, **k: None) if found in (os.system, subprocess.check_output) else found\n"
                        + "Record(io.BytesIO(data)).load()\n"
                        + "print(sum(1 for n in names if n in (os.system, subprocess.check_output)), data.hex())\n",
                        new byte[0]), java.nio.charset.StandardCharsets.UTF_8).strip();
                // only what CPython imports that Brine's registry cannot resolve: os.system, subprocess.check_output
                long expected = Long.parseLong(out.substring(0, out.indexOf(' ')));
                Unpickler u = new Unpickler(java.util.HexFormat.of().parseHex(out.substring(out.indexOf(' ') + 1)), GENERIC);
                u.load();
                assertEquals(expected, u.inertNamesMet(), value + " at protocol " + protocol);
            }
        }
    }

    /**
     * What find_class is asked for, in order (pickle.py's Unpickler, which maps Python 2 names below protocol 3 as
     * the C one does), each answered with a stub, so nothing named runs; then the pickle's hex. {@code make} is
     * Python code that sets {@code data} to the pickle's bytes.
     */
    private static final String RECORD = "import io, os, sys, pickle, subprocess, _compat_pickle\n"
            + "class Call:\n"
            + "    def __init__(self, f, *args): self.f, self.args = f, args\n"
            + "    def __reduce__(self): return (self.f, self.args)\n"
            + "exec(sys.argv[1])\n"
            + "class Record(pickle._Unpickler):\n"
            + "    def find_class(self, module, name):\n"
            + "        if self.proto < 3 and self.fix_imports:\n"
            + "            if (module, name) in _compat_pickle.NAME_MAPPING:\n"
            + "                module, name = _compat_pickle.NAME_MAPPING[(module, name)]\n"
            + "            elif module in _compat_pickle.IMPORT_MAPPING:\n"
            + "                module = _compat_pickle.IMPORT_MAPPING[module]\n"
            + "        print(module + '.' + name)\n"
            + "        return lambda *a, **k: None\n"
            + "Record(io.BytesIO(data)).load()\n"
            + "print(data.hex())\n";

    /** The names find_class is asked for (all but the last line of the output) and the pickle (the last). */
    private static List<String> record(String make) throws IOException {
        return new String(Python.check(RECORD, new byte[0], make), StandardCharsets.UTF_8).strip().lines().toList();
    }

    private static List<String> names(InertGlobals g) {
        List<String> out = new ArrayList<>();
        for (Global n : g.names()) {
            out.add(n.module() + "." + n.name());
        }
        return out;
    }

    @Test
    void listsEachGlobalKeptInertOnceInTheOrderFindClassIsAskedForIt() throws IOException {
        Python.require("numpy");
        String[] makes = {
            // repeated names, a name in a value the pickle pops (no walk of the result finds it), registered ones
            "data = b'cposix\\ngetcwd\\n(tR0' + pickle.dumps([Call(os.system, 'x'), Call(subprocess.check_output,"
                    + " ['id']), os.system, 1.5, Call(os.getcwd), bytearray(b'x'), Call(os.system, 'y')], %d)",
            // Python 2 names, mapped as find_class maps them below protocol 3 (exceptions.OSError is builtins')
            "data = b'(cexceptions\\nOSError\\n(S\\'x\\'\\ntRcUserDict\\nUserDict\\n(tRl.'",
        };
        for (String make : makes) {
            for (int protocol : new int[] {0, 2, 5}) {
                List<String> out = record(String.format(make, protocol));
                Unpickler u = new Unpickler(HexFormat.of().parseHex(out.get(out.size() - 1)), GENERIC);
                u.load();
                LinkedHashSet<String> expected = new LinkedHashSet<>();
                for (String name : out.subList(0, out.size() - 1)) {
                    int dot = name.indexOf('.');
                    if (GENERIC.registry().resolve(name.substring(0, dot), name.substring(dot + 1)) == null) {
                        expected.add(name);
                    }
                }
                assertFalse(expected.isEmpty(), make);
                assertEquals(List.copyOf(expected), names(u.inertGlobals()), make + " at protocol " + protocol);
                assertFalse(u.inertGlobals().more());
            }
        }
    }

    @Test
    void keepsAtMostMaxListedNamesAndSaysThatMoreFollowed() throws IOException {
        Python.require();
        int max = InertGlobals.MAX_LISTED;
        // n distinct names, each met twice (the second time after all the others), popped: only the reading sees them
        for (int n : new int[] {max - 1, max, max + 1, 3 * max}) {
            List<String> out = record("data = b''.join(b'cm%d\\nf\\n0' % (i % " + n + ") for i in range(2 * " + n
                    + ")) + b'N.'");
            Unpickler u = new Unpickler(HexFormat.of().parseHex(out.get(out.size() - 1)), GENERIC);
            assertEquals(null, u.load());
            assertEquals(2L * n, u.inertNamesMet());
            List<String> distinct = List.copyOf(new LinkedHashSet<>(out.subList(0, out.size() - 1)));
            assertEquals(n, distinct.size());
            InertGlobals got = u.inertGlobals();
            assertEquals(distinct.subList(0, Math.min(n, max)), names(got), n + " names");
            assertEquals(n > max, got.more(), n + " names");
        }
        // nothing met: nothing listed
        Unpickler clean = new Unpickler(HexFormat.of().parseHex("80025d71002e"), GENERIC); // pickle.dumps([], 2)
        assertEquals(List.of(), clean.load());
        assertTrue(clean.inertGlobals().isEmpty());
        assertFalse(clean.inertGlobals().more());
    }
}
