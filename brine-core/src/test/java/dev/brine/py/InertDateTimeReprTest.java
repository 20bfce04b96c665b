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

    @Test
    void bytesThatAreNoDateStillShowAsTheyAre() {
        GenericObject bad = GenericObject.reduced(new Global("datetime", "datetime"),
                Tuple.of(new byte[] {7, (byte) 0xe4, 13, 1, 0, 0, 0, 0, 0, 0}, null));
        assertEquals("datetime.datetime(b'\\x07\\xe4\\r\\x01\\x00\\x00\\x00\\x00\\x00\\x00', None)", PythonRepr.repr(bad));
    }
}
