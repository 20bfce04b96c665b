package dev.brine.archive;

import dev.brine.mapping.PickleState;
import dev.brine.mapping.PythonName;
import dev.brine.py.Tuple;

/**
 * {@link Perceptron} as it was in version 1, kept only so that {@link GoldenArchiveGenerator} shows
 * how the version 1 golden archive was made: the seed's long-term example, whose state is just
 * {@code (W, b)}. Never change it.
 */
@PythonName(module = "examples.perceptron", name = "Perceptron")
final class PerceptronV1 implements PickleState {
    SharedVariable w;
    SharedVariable b;

    PerceptronV1(SharedVariable w, SharedVariable b) {
        this.w = w;
        this.b = b;
    }

    @Override
    public Object getState() {
        return Tuple.of(w, b);
    }

    @Override
    public void setState(Object state) {
        Tuple t = (Tuple) state;
        w = (SharedVariable) t.get(0);
        b = (SharedVariable) t.get(1);
    }
}
