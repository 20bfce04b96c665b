package dev.brine.archive;

import dev.brine.BrineException;
import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PickleState;
import dev.brine.mapping.PythonName;
import dev.brine.mapping.StateVersion;
import dev.brine.mapping.StateVersions;
import dev.brine.numpy.NumpyPickles;
import dev.brine.py.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The example class of the long-term tests, as it is today (state version 3). Its history, which
 * the golden archives under {@code golden/archive/} were written with:
 *
 * <ol>
 *   <li>version 1 ({@link PerceptronV1}): the seed's state-only tuple {@code (W, b)};
 *   <li>version 2 ({@link PerceptronV2}): a dict {@code {'W', 'b', 'learning_rate'}};
 *   <li>version 3 (this class): W and b renamed to {@code weights} and {@code bias}, and the
 *       activation, which was always tanh before, made a field.
 * </ol>
 *
 * Each step is a migration; loading a file of any version runs the chain from there.
 */
@PythonName(module = "examples.perceptron", name = "Perceptron")
@StateVersion(3)
final class Perceptron implements PickleState {
    /** The learning rate version 1 files were trained with (version 1 did not save it). */
    static final double V1_LEARNING_RATE = 0.01;

    static final StateVersions VERSIONS = StateVersions.current(3)
            .migration(1, state -> {
                // (W, b) becomes a dict; the learning rate was a constant then
                Tuple t = (Tuple) state;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("W", t.get(0));
                m.put("b", t.get(1));
                m.put("learning_rate", V1_LEARNING_RATE);
                return m;
            })
            .migration(2, state -> {
                Map<String, Object> m = StateVersions.dict(state);
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("weights", m.get("W"));
                out.put("bias", m.get("b"));
                out.put("learning_rate", m.get("learning_rate"));
                out.put("activation", "tanh"); // what versions 1 and 2 always used
                return out;
            });

    SharedVariable weights;
    SharedVariable bias;
    double learningRate;
    String activation;

    Perceptron() {
    }

    Perceptron(SharedVariable weights, SharedVariable bias, double learningRate, String activation) {
        this.weights = weights;
        this.bias = bias;
        this.learningRate = learningRate;
        this.activation = activation;
    }

    /** Builtins, numpy, shared variables and this class with its versions. */
    static ClassRegistry registry() {
        return SharedVariable.addTo(NumpyPickles.standardRegistry().toBuilder())
                .registerVersioned(Perceptron.class, Perceptron::new, VERSIONS)
                .build();
    }

    @Override
    public Object getState() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("weights", weights);
        m.put("bias", bias);
        m.put("learning_rate", learningRate);
        m.put("activation", activation);
        return m;
    }

    @Override
    public void setState(Object state) throws BrineException {
        // only current (version 3) states arrive here: the registry migrated older ones
        Map<String, Object> m = StateVersions.dict(state);
        weights = (SharedVariable) m.get("weights");
        bias = (SharedVariable) m.get("bias");
        learningRate = (Double) m.get("learning_rate");
        activation = (String) m.get("activation");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Perceptron && Objects.equals(weights, ((Perceptron) o).weights)
                && Objects.equals(bias, ((Perceptron) o).bias) && learningRate == ((Perceptron) o).learningRate
                && Objects.equals(activation, ((Perceptron) o).activation);
    }

    @Override
    public int hashCode() {
        return Objects.hash(weights, bias, learningRate, activation);
    }

    @Override
    public String toString() {
        return "Perceptron(" + weights + ", " + bias + ", lr=" + learningRate + ", " + activation + ")";
    }
}
