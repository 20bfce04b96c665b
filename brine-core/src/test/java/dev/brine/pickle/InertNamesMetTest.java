package dev.brine.pickle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.numpy.NumpyNames;
import dev.brine.numpy.NumpyPickles;
import dev.brine.mapping.ClassRegistry;
import dev.brine.testing.Python;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * {@link Unpickler#inertNamesMet}: how often reading met a global its registry does not resolve, which CPython's
 * pickle.load would import (the CLI warns of them, and walks what it read only when there are some). Counted
 * against the globals CPython's find_class is asked for (pickles made with __reduce__; the commands are never run:
 * what they name is handed back as a stub), less the ones the registry resolves.
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
}
