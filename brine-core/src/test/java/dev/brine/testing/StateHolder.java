package dev.brine.testing;

import dev.brine.mapping.PickleState;
import java.util.Objects;

/**
 * A registered class for tests whose state is whatever BUILD gave it (a Python instance's
 * {@code __dict__}), written back as is. Equal when of the same class with equal states; subclass
 * it for one class per registered name.
 */
public class StateHolder implements PickleState {
    private Object state;

    /** No state yet (what the registry's factory makes). */
    public StateHolder() {
    }

    /** Holding {@code state}. */
    public StateHolder(Object state) {
        this.state = state;
    }

    @Override
    public Object getState() {
        return state;
    }

    @Override
    public void setState(Object state) {
        this.state = state;
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && Objects.equals(state, ((StateHolder) o).state);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(state);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + state;
    }
}
