package dev.brine.pickle;

import dev.brine.py.Global;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Python's {@code copyreg} extension registry: small integer codes that EXT1/EXT2/EXT4 use in place
 * of a global's module and name. Immutable; empty unless built with codes, as in CPython.
 */
public final class ExtensionRegistry {
    /** No codes, like a fresh CPython. */
    public static final ExtensionRegistry EMPTY = new ExtensionRegistry(Map.of());

    private final Map<Integer, Global> byCode;
    private final Map<Global, Integer> byName;

    private ExtensionRegistry(Map<Integer, Global> byCode) {
        this.byCode = Collections.unmodifiableMap(new LinkedHashMap<>(byCode));
        Map<Global, Integer> inverse = new LinkedHashMap<>();
        byCode.forEach((k, v) -> inverse.put(v, k));
        this.byName = Collections.unmodifiableMap(inverse);
    }

    /** A registry with {@code code} added for {@code module.name} (codes 1 to 2^31-1). */
    public ExtensionRegistry with(int code, String module, String name) {
        if (code < 1 || code > 0x7fffffff) {
            throw new IllegalArgumentException("extension code out of range: " + code);
        }
        Map<Integer, Global> m = new LinkedHashMap<>(byCode);
        m.put(code, new Global(module, name));
        return new ExtensionRegistry(m);
    }

    /** The global for {@code code}, or {@code null}. */
    public Global lookup(int code) {
        return byCode.get(code);
    }

    /** The code for a global, or {@code null} (the pickler then writes the name). */
    public Integer codeOf(Global global) {
        return byName.get(global);
    }
}
