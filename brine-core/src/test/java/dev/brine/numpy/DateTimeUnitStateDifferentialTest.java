package dev.brine.numpy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.brine.testing.Python;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A datetime64/timedelta64 dtype state's unit item, {@code (unit, num, den, events)}, read as numpy reads it: numpy
 * writes den 1, and takes another as a divisor of the unit ({@code D/2} is {@code 12h}: Brine ignored it and read a
 * day), num and den from 1 to 2^31 - 1, the events ignored, three items refused. Oracle: numpy loads each pickle and
 * prints the dtype's repr, or refuses.
 */
class DateTimeUnitStateDifferentialTest {
    @TempDir
    Path dir;

    @Test
    void unitsAreReadAsNumpyReadsThem() throws Exception {
        Python.require("numpy");
        String numpy = Python.checkText(String.join("\n",
                "import os, pickle, sys, warnings, numpy as np",
                "warnings.simplefilter('ignore')",
                "os.chdir(sys.argv[1])",
                "class R:",
                "    def __init__(s, fn, args, state): s.fn, s.args, s.state = fn, args, state",
                "    def __reduce__(s): return (s.fn, s.args, s.state)",
                "infos = [(b'D',1,1,1), (b'D',1,2,1), (b'D',1,3,1), (b'D',2,4,1), (b'D',5,2,1), (b'D',1,1,2), (b'D',1,1,0),",
                "  (b'D',1,0,1), (b'D',1,-1,1), (b'D',0,1,1), (b'D',1,159,1), (b'D',1), (b'D',1,1), (b'h',1,7,1),",
                "  (b's',1,1000,1), (b'ns',1,2,1), (b'Y',1,2,1), (b'W',1,7,1), (b'M',1,4,1), (b'M',1,8,1), (b'm',1,60000,1),",
                "  (b'h',1,3600,1), (b'fs',1,2,1), (b'fs',1,1000000,1), (b'ps',1,1000000,1), (b'as',1,2,1),",
                "  (b'generic',1,2,1), (b'D',1,True,1), (b'D',1,2.0,1), (b'D',2**40,1,1), (b'D',1,2**40,1), ('D',3,2,1),",
                "  (b'us',7,1,1), (b'Y',1,365,1), (b'Y',1,5,1)]",
                "for i, info in enumerate(infos):",
                "    for code in ('M8', 'm8'):",
                "        name = '%s_%d' % (code, i)",
                "        o = R(np.dtype, (code, False, True), (4, '<', None, None, None, -1, -1, 0, (None, info)))",
                "        open(name + '.pkl', 'wb').write(pickle.dumps(o, 2))",
                "        try: r = repr(pickle.loads(open(name + '.pkl', 'rb').read()))",
                "        except Exception as e: r = 'refused'",
                "        print(name, r)"), dir);
        assertEquals(70, numpy.strip().split("\n").length);
        int refused = NumpyVerdicts.assertLoadedAsNumpyLoads(dir, numpy);
        assertEquals(2 * 12, refused, numpy);
    }
}
