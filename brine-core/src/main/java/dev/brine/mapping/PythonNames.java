package dev.brine.mapping;

import dev.brine.py.Global;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * CPython's Python 2 ↔ 3 name tables ({@code _compat_pickle}): at protocols below 3 CPython writes
 * {@code __builtin__.set} for {@code builtins.set}, and maps such names back when it reads. The
 * table is a generated resource (see {@code tools/gen_compat_names.py}), loaded once, read-only.
 */
public final class PythonNames {
    private static final Map<String, String> IMPORT = new HashMap<>();
    private static final Map<String, String> REVERSE_IMPORT = new HashMap<>();
    private static final Map<Global, Global> NAME = new HashMap<>();
    private static final Map<Global, Global> REVERSE_NAME = new HashMap<>();

    static {
        try (InputStream in = PythonNames.class.getResourceAsStream("compat-names.txt")) {
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith("#")) {
                    continue;
                }
                String[] f = line.split("\t");
                switch (f[0]) {
                    case "import" -> IMPORT.put(f[1], f[2]);
                    case "rimport" -> REVERSE_IMPORT.put(f[1], f[2]);
                    case "name" -> NAME.put(new Global(f[1], f[2]), new Global(f[3], f[4]));
                    case "rname" -> REVERSE_NAME.put(new Global(f[1], f[2]), new Global(f[3], f[4]));
                    default -> throw new IllegalStateException("bad compat-names line: " + line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private PythonNames() {
    }

    /** The Python 3 name for a Python 2 global, or {@code null} when it has none. */
    public static Global toPython3(String module, String name) {
        Global mapped = NAME.get(new Global(module, name));
        if (mapped != null) {
            return mapped;
        }
        String m = IMPORT.get(module);
        return m == null ? null : new Global(m, name);
    }

    /** The name CPython writes at protocols below 3 for a Python 3 global (the same when unmapped). */
    public static Global toPython2(Global g) {
        Global mapped = REVERSE_NAME.get(g);
        if (mapped != null) {
            return mapped;
        }
        String m = REVERSE_IMPORT.get(g.module());
        return m == null ? g : new Global(m, g.name());
    }
}
