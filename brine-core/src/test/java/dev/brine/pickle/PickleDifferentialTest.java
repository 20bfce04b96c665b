package dev.brine.pickle;

import dev.brine.testing.Python;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.LifecycleContext;
import net.jqwik.api.lifecycle.SkipExecutionHook;
import org.opentest4j.AssertionFailedError;

/**
 * Brine against CPython on random object graphs ({@link RandomGraphs}: every type of the contract,
 * shared references, cycles), many graphs per python3 process:
 * <ol>
 * <li>(a) Brine's bytes at every protocol 0–5 equal CPython's {@code pickle.dumps} of the same graph
 * (CPython gets the graph as Brine's protocol 5 pickle, and re-dumps what it loaded);</li>
 * <li>(b) every pickle Brine writes loads in CPython to the graph (rebuilt in Python from a JSON
 * description): types, values, aliasing;</li>
 * <li>(c) every pickle CPython writes loads in Brine to the graph, aliasing included.</li>
 * </ol>
 * Without python3 the properties are skipped, or fail when {@code BRINE_REQUIRE_PYTHON=1}.
 */
@AddLifecycleHook(PickleDifferentialTest.NeedsPython.class)
class PickleDifferentialTest {
    private static final int GRAPHS_PER_PROCESS = 40;
    private static final UnpicklerOptions READ = UnpicklerOptions.builder().genericObjects(true).build();

    /** Skips the properties without python3, unless BRINE_REQUIRE_PYTHON=1 (then they run, and fail). */
    static final class NeedsPython implements SkipExecutionHook {
        @Override
        public SkipResult shouldBeSkipped(LifecycleContext context) {
            boolean available;
            try {
                available = Python.run("import pickle", new byte[0]).exitCode == 0;
            } catch (IOException e) {
                available = false;
            }
            return available || Python.required() ? SkipResult.doNotSkip() : SkipResult.skip("python3 is needed");
        }
    }

    @Provide
    Arbitrary<List<RandomGraphs.Graph>> batches() {
        return RandomGraphs.graphs().list().ofSize(GRAPHS_PER_PROCESS);
    }

    @Property(tries = 20, shrinking = ShrinkingMode.BOUNDED)
    void brineAndCPythonAgreeOnEveryProtocol(@ForAll("batches") List<RandomGraphs.Graph> batch) throws IOException {
        Python.require(); // fails when python3 is required but missing
        List<Object> graphs = new ArrayList<>();
        List<JsonGraph> descriptions = new ArrayList<>();
        List<byte[][]> brine = new ArrayList<>();
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(request);
        out.writeInt(batch.size());
        for (RandomGraphs.Graph g : batch) {
            Object graph = g.build();
            graphs.add(graph);
            byte[][] pickles = new byte[6][];
            for (int p = 0; p <= 5; p++) {
                pickles[p] = Pickle.dumps(graph, p);
            }
            brine.add(pickles);
            JsonGraph description = JsonGraph.encode(graph);
            descriptions.add(description);
            frame(out, description.json().getBytes(StandardCharsets.UTF_8));
            for (byte[] pickle : pickles) {
                frame(out, pickle);
            }
        }
        byte[] response = Python.check(script(), request.toByteArray());
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(response));
        for (int i = 0; i < graphs.size(); i++) {
            Object graph = graphs.get(i);
            String report = new String(unframe(in), StandardCharsets.UTF_8);
            byte[][] cpython = new byte[6][];
            for (int p = 0; p <= 5; p++) {
                cpython[p] = unframe(in);
            }
            try {
                if (!report.isEmpty()) {
                    throw new AssertionFailedError("(b) CPython loads Brine's pickles differently:\n" + report);
                }
                for (int p = 0; p <= 5; p++) {
                    PickleGoldenTest.assertBytes(cpython[p], brine.get(i)[p], "(a) protocol " + p);
                    Object loaded = Pickle.loads(cpython[p], READ);
                    new GraphAssert(descriptions.get(i).tracked()).check(graph, loaded, "(c) protocol " + p + ": $");
                }
            } catch (AssertionFailedError | IOException e) {
                throw new AssertionFailedError(e.getMessage() + "\n in graph " + i + " of the batch: " + batch.get(i), e);
            }
        }
    }

    private static void frame(DataOutputStream out, byte[] data) throws IOException {
        out.writeInt(data.length);
        out.write(data);
    }

    private static byte[] unframe(DataInputStream in) throws IOException {
        byte[] data = new byte[in.readInt()];
        in.readFully(data);
        return data;
    }

    private static String script() throws IOException {
        try (InputStream in = PickleDifferentialTest.class.getResourceAsStream("differential.py")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
