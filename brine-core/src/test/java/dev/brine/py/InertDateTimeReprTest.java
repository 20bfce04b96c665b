package dev.brine.py;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.pickle.Pickle;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.testing.Python;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A datetime or time whose zone Brine keeps inert (zoneinfo, a named timezone) printed as its packed bytes:
 * {@code datetime.datetime(b'\x07\xe4...', zoneinfo.ZoneInfo._unpickle('America/New_York', 1))}. It now prints as
 * Python's repr does. Oracle: CPython's {@code repr(pickle.load(f))} of the same pickles, at protocols 2 (no fold)
 * to 5 (fold=1 kept, said before the zone for a datetime and after it for a time, as Python says it).
 */
class InertDateTimeReprTest {
    @TempDir
    Path tmp;

    @Test
    void inertDatetimesPrintAsPythonsRepr() throws Exception {
        Python.check(String.join("\n",
                "import datetime, pickle, sys, zoneinfo",
                "z = zoneinfo.ZoneInfo('America/New_York')",
                "v = [datetime.datetime(2020, 11, 1, 1, 30, tzinfo=z, fold=1), datetime.time(1, 2, 3, 4, tzinfo=z, fold=1),",
                "     datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=2), 'X')),",
                "     datetime.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=zoneinfo.ZoneInfo.no_cache('UTC')),",
                "     datetime.time(0, 0, tzinfo=z), datetime.datetime(2024, 2, 29, 12, 0, 5, tzinfo=z)]",
                "for p in range(2, 6):",
                "    pickle.dump(v, open(sys.argv[1] + '/tz%d.pkl' % p, 'wb'), p)",
                "    open(sys.argv[1] + '/tz%d.txt' % p, 'w').write(repr(pickle.load(open(sys.argv[1] + '/tz%d.pkl' % p, 'rb'))))",
                ""), new byte[0], tmp.toString());
        UnpicklerOptions generic = UnpicklerOptions.builder().genericObjects(true).build();
        for (int p = 2; p <= 5; p++) {
            Object loaded = Pickle.loads(Files.readAllBytes(tmp.resolve("tz" + p + ".pkl")), generic);
            assertEquals(Files.readString(tmp.resolve("tz" + p + ".txt"), StandardCharsets.UTF_8), PythonRepr.repr(loaded),
                    "protocol " + p);
        }
    }

    /**
     * A tzinfo of the file's own whose state refers back to a datetime using it (plain CPython pickling of a tzinfo
     * subclass with an attribute, 104 bytes) overflowed the stack: the zone was printed by a fresh repr that did not
     * know the datetime was being printed. It is now written in the same walk, the datetime met again shown as an
     * object being printed, and within the walk's depth. Oracle: CPython writes and loads the pickle; its repr (the
     * class's own {@code __repr__}, which the pickle does not hold) agrees up to the zone.
     */
    @Test
    void aZoneReferringBackToItsDatetimePrintsBounded() throws Exception {
        Files.writeString(tmp.resolve("tzmod.py"), String.join("\n", "import datetime",
                "class Tz(datetime.tzinfo):",
                "    def utcoffset(self, dt): return datetime.timedelta(0)",
                "    def __repr__(self): return 'Tz()'", ""));
        String python = Python.checkText(String.join("\n",
                "import datetime, pickle, sys",
                "sys.path.insert(0, sys.argv[1])",
                "from tzmod import Tz",
                "tz = Tz(); d = datetime.datetime(2020, 5, 6, 7, 8, tzinfo=tz); tz.ref = d",
                "open(sys.argv[1] + '/cycle.pkl', 'wb').write(pickle.dumps(d, 4))",
                "back = pickle.load(open(sys.argv[1] + '/cycle.pkl', 'rb'))",
                "assert back.tzinfo.ref is back",
                "print(repr(back))"), tmp).strip();
        assertEquals("datetime.datetime(2020, 5, 6, 7, 8, tzinfo=Tz())", python);
        Object loaded = Pickle.loads(Files.readAllBytes(tmp.resolve("cycle.pkl")),
                UnpicklerOptions.builder().genericObjects(true).build());
        String brine = "datetime.datetime(2020, 5, 6, 7, 8, tzinfo=tzmod.Tz() with state {'ref': <datetime.datetime object ...>})";
        assertEquals(brine, PythonRepr.repr(loaded));
        assertEquals(brine, loaded.toString());
        assertEquals(brine, PythonRepr.brief(loaded));
        // the zone is one level below the datetime, as a generic object's arguments are
        assertEquals("datetime.datetime(2020, 5, 6, 7, 8, tzinfo=<tzmod.Tz object ...>)",
                new PythonRepr(1, 10, 10).format(loaded));
        assertEquals("[datetime.datetime(2020, 5, 6, 7, 8, tzinfo=tzmod.Tz() with state {...})]",
                new PythonRepr(3, 10, 10).format(java.util.List.of(loaded)));
    }

    @Test
    void bytesThatAreNoDateStillShowAsTheyAre() {
        GenericObject bad = GenericObject.reduced(new Global("datetime", "datetime"),
                Tuple.of(new byte[] {7, (byte) 0xe4, 13, 1, 0, 0, 0, 0, 0, 0}, null));
        assertEquals("datetime.datetime(b'\\x07\\xe4\\r\\x01\\x00\\x00\\x00\\x00\\x00\\x00', None)", PythonRepr.repr(bad));
    }
}
