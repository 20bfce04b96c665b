package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.Global;
import dev.brine.py.Tuple;

/** A {@link PyCallable} made of a name and a function of the arguments. */
final class SimpleCallable implements PyCallable {
    /** The function body. */
    @FunctionalInterface
    interface Body {
        Object apply(Tuple args) throws BrineException;
    }

    private final Global global;
    private final GlobalKind kind;
    private final Body body;

    /** A class: what Brine registers this way mostly is. */
    SimpleCallable(String module, String name, Body body) {
        this(GlobalKind.CLASS, module, name, body);
    }

    SimpleCallable(GlobalKind kind, String module, String name, Body body) {
        this.global = new Global(module, name);
        this.kind = kind;
        this.body = body;
    }

    @Override
    public Global global() {
        return global;
    }

    @Override
    public Object call(Tuple args) throws BrineException {
        return body.apply(args);
    }

    @Override
    public String toString() {
        return kind.repr(global);
    }
}
