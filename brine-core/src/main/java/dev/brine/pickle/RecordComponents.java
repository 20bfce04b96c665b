package dev.brine.pickle;

import dev.brine.BrineException;
import dev.brine.mapping.Reduction;
import dev.brine.py.Global;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;

/** Writes an annotated record as {@code Name(component, ...)}: the record's own accessors, no lookup by name. */
final class RecordComponents {
    private RecordComponents() {
    }

    static Reduction reduce(Record rec, Global name) throws BrineException {
        RecordComponent[] components = rec.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            try {
                components[i].getAccessor().setAccessible(true);
                values[i] = components[i].getAccessor().invoke(rec);
            } catch (InvocationTargetException e) {
                // the accessor itself threw: keep what it threw as the cause
                throw new BrineException("its accessor " + components[i].getName() + "() threw " + e.getCause(),
                        e.getCause());
            } catch (IllegalAccessException | RuntimeException e) {
                throw new BrineException("cannot read record component " + components[i].getName() + ": " + e, e);
            }
        }
        return Reduction.call(name, values);
    }
}
