package dev.brine.archive;

import dev.brine.BrineException;
import dev.brine.mapping.PickleState;
import dev.brine.mapping.PythonName;
import dev.brine.mapping.StateVersions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Perceptron} as it was in version 2, kept only so that {@link GoldenArchiveGenerator} shows
 * how the version 2 golden archive was made: a dict state with the learning rate, stamped with its
 * version by calling {@link StateVersions#stamp} itself (no registry entry). Never change it.
 */
@PythonName(module = "examples.perceptron", name = "Perceptron")
final class PerceptronV2 implements PickleState {
    static final StateVersions VERSIONS = StateVersions.current(2).migration(1, state -> {
        throw new BrineException("version 1 files are not needed by this snapshot");
    });

    SharedVariable w;
    SharedVariable b;
    double learningRate;

    PerceptronV2(SharedVariable w, SharedVariable b, double learningRate) {
        this.w = w;
        this.b = b;
        this.learningRate = learningRate;
    }

    @Override
    public Object getState() throws BrineException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("W", w);
        m.put("b", b);
        m.put("learning_rate", learningRate);
        return VERSIONS.stamp(m);
    }

    @Override
    public void setState(Object state) throws BrineException {
        Map<String, Object> m = StateVersions.dict(VERSIONS.upgrade(state));
        w = (SharedVariable) m.get("W");
        b = (SharedVariable) m.get("b");
        learningRate = (Double) m.get("learning_rate");
    }
}
