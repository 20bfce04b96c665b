package dev.brine.archive;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PickleState;
import dev.brine.mapping.PythonName;
import dev.brine.mapping.PythonTypeNames;
import dev.brine.py.PythonRepr;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A named value, like Aesara's shared variables: when a model archive is written, an array held by
 * a named variable is stored as the member of that name ({@code W}, then {@code W_2}, ... for
 * duplicates) instead of {@code array_0}, {@code array_1}, ... so that {@code numpy.load} shows
 * meaningful names.
 *
 * <p>It pickles as {@code brine.SharedVariable} with the state {@code {'name': name, 'value':
 * value}}, the class of the same name in {@code python/brine.py}, and is registered by default
 * for loading archives ({@link #addTo} registers it for plain pickles). Equality compares names and values (arrays by value).
 */
@PythonName(module = "brine", name = "SharedVariable")
public final class SharedVariable implements PickleState {
    private String name;
    private Object value;

    /** A variable called {@code name} ({@code null} or empty for an unnamed one) holding {@code value}. */
    public SharedVariable(String name, Object value) {
        this.name = name;
        this.value = value;
    }

    /** An unnamed variable holding nothing, for the unpickler to fill. */
    SharedVariable() {
    }

    /**
     * Registers {@code brine.SharedVariable} in {@code b}, for reading plain pickles that hold
     * variables (archives register it themselves).
     */
    public static ClassRegistry.Builder addTo(ClassRegistry.Builder b) {
        return b.register(SharedVariable.class, SharedVariable::new);
    }

    /** The name, or {@code null}. */
    public String name() {
        return name;
    }

    /** Whether the variable has a non-empty name (Aesara treats an empty name as none). */
    public boolean isNamed() {
        return name != null && !name.isEmpty();
    }

    /** The value (Aesara's {@code get_value}). */
    public Object getValue() {
        return value;
    }

    /** Replaces the value (Aesara's {@code set_value}). */
    public void setValue(Object value) {
        this.value = value;
    }

    /** {@code {'name': name, 'value': value}}, in the order python/brine.py writes it. */
    @Override
    public Object getState() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("name", name);
        state.put("value", value);
        return state;
    }

    /** Restores name and value from {@code {'name': ..., 'value': ...}}. */
    @Override
    public void setState(Object state) throws BrineException {
        if (!(state instanceof Map)) {
            throw new BrineException("brine.SharedVariable state must be a dict, not " + PythonTypeNames.of(state) + " "
                    + PythonRepr.brief(state));
        }
        Map<?, ?> m = (Map<?, ?>) state;
        Object n = m.get("name");
        if (n != null && !(n instanceof String)) {
            throw new BrineException("brine.SharedVariable name must be a str or None, not " + PythonTypeNames.of(n) + " "
                    + PythonRepr.brief(n));
        }
        if (!m.containsKey("value")) {
            throw new BrineException("brine.SharedVariable state has no 'value'");
        }
        this.name = (String) n;
        this.value = m.get("value");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SharedVariable && Objects.equals(name, ((SharedVariable) o).name)
                && Objects.equals(value, ((SharedVariable) o).value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, value);
    }

    /** {@code SharedVariable(W)}: the name only, since values may be large. */
    @Override
    public String toString() {
        return "SharedVariable(" + (isNamed() ? name : "<unnamed>") + ")";
    }
}
