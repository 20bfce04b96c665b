package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.Global;
import dev.brine.py.Tuple;
import java.util.Map;

/**
 * What a global named in a pickle resolves to, when the {@link ClassRegistry} knows it: Java code
 * that builds the value the Python callable would have returned. Only registered callables exist,
 * so reading a pickle can never reach anything else.
 */
public interface PyCallable {
    /** The Python module and name this callable stands for (written back by the pickler). */
    Global global();

    /** REDUCE: the result of {@code callable(*args)}. */
    Object call(Tuple args) throws BrineException;

    /**
     * NEWOBJ and NEWOBJ_EX: the result of {@code cls.__new__(cls, *args, **kwargs)}, usually an
     * empty instance that BUILD then fills. By default this refuses: the global is not a class.
     */
    default Object newObject(Tuple args, Map<Object, Object> kwargs) throws BrineException {
        // not "NEWOBJ": copyreg.__newobj__ and _reconstructor, read by REDUCE, ask for cls.__new__ too
        throw new BrineException(global() + " is not a class that a pickle can create (cls.__new__)");
    }
}
