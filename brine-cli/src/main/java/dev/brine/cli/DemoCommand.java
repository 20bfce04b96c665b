package dev.brine.cli;

import dev.brine.BrineException;
import dev.brine.archive.ModelArchive;
import dev.brine.archive.SharedVariable;
import dev.brine.ndarray.NDArray;
import dev.brine.numpy.NumpyPickles;
import dev.brine.mapping.ClassRegistry;
import dev.brine.mapping.PickleState;
import dev.brine.mapping.PythonName;
import dev.brine.pickle.Pickle;
import dev.brine.pickle.Unpickler;
import dev.brine.pickle.UnpicklerOptions;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code brine demo}: the seed page's walk-through ("Loading and Saving") run for real in a
 * temporary folder — each step saves, reloads, checks equality and reports what it wrote.
 */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = BrineVersion.class,
        description = "Run the seed's walk-through (basics, short-term, robust, long-term) in a temporary folder.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--keep", description = "Keep the folder and print its path.")
    boolean keep;

    @Spec
    CommandSpec spec;

    private PrintWriter out;

    @Override
    public Integer call() throws Exception {
        out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("brine-demo");
        try {
            basics(dir);
            shortTerm(dir);
            robust(dir);
            longTerm(dir);
            out.println();
            out.println("All steps reloaded equal." + (keep ? " Files kept in " + dir : ""));
        } finally {
            if (!keep) {
                deleteTree(dir);
            }
            out.flush();
        }
        return 0;
    }

    private void basics(Path dir) throws IOException {
        heading("The basics of pickling");
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("name", "my_obj");
        obj.put("weights", weights());
        obj.put("history", List.of(0.9, 0.5, 0.25, 0.125));
        Path save = dir.resolve("obj.save");
        Pickle.dump(obj, save, Pickle.HIGHEST_PROTOCOL);
        Object loaded = Pickle.load(save);
        check(obj.equals(loaded), "obj.save reloads equal");
        report(save, "one object at protocol " + Pickle.HIGHEST_PROTOCOL);
        Path zero = dir.resolve("obj-protocol0.save");
        Pickle.dump(obj, zero, 0);
        check(obj.equals(Pickle.load(zero)), "the protocol 0 file reloads equal too");
        report(zero, String.format(java.util.Locale.ROOT, "the same at protocol 0: %.1fx bigger",
                (double) Files.size(zero) / Files.size(save)));

        Path objects = dir.resolve("objects.save");
        List<Object> three = List.of(List.of(1L, 2L, 3L), "second", Map.of("third", 3L));
        try (OutputStream f = Files.newOutputStream(objects)) {
            for (Object o : three) {
                Pickle.dump(o, f, Pickle.HIGHEST_PROTOCOL);
            }
        }
        List<Object> loadedObjects = new ArrayList<>();
        try (InputStream f = new BufferedInputStream(Files.newInputStream(objects))) {
            for (int i = 0; i < 3; i++) {
                loadedObjects.add(Pickle.load(f));
            }
        }
        check(three.equals(loadedObjects), "three objects reload in order");
        report(objects, "three pickles in one file, read back in order");
    }

    private void shortTerm(Path dir) throws IOException {
        heading("Short-term serialization: __getstate__/__setstate__");
        Path trainingFile = dir.resolve("training_set.save");
        Pickle.dump(List.of(List.of(0.0, 1.0), List.of(1.0, 0.0)), trainingFile, Pickle.HIGHEST_PROTOCOL);
        DemoModel model = new DemoModel(List.of(0.1, 0.2), 0.5, trainingFile.toString());
        Path save = dir.resolve("model.save");
        Pickle.dump(model, save, Pickle.HIGHEST_PROTOCOL);
        ClassRegistry registry = NumpyPickles.standardRegistry().toBuilder().register(DemoModel.class, DemoModel::new).build();
        DemoModel loaded = (DemoModel) Pickle.load(save, UnpicklerOptions.builder().registry(registry).build());
        check(model.equals(loaded), "the model reloads equal");
        check(loaded.trainingSet != null && loaded.trainingSet.equals(model.trainingSet),
                "the training set was not saved, and setState reloaded it from its file");
        report(save, "the model without its training set");
    }

    private void robust(Path dir) throws IOException {
        heading("Robust serialization: arrays as NPY files beside the pickle, in one ZIP");
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("W", new SharedVariable("W", weights()));
        model.put("b", new SharedVariable("b", NDArray.of(new double[] {0.5, -0.5, 0.25, 0.0})));
        model.put("learning_rate", 0.01);
        Path zip = dir.resolve("model.zip");
        ModelArchive.dump(model, zip);
        Map<?, ?> loaded = (Map<?, ?>) ModelArchive.load(zip);
        check(((SharedVariable) loaded.get("W")).getValue().equals(weights()), "the archive reloads equal");
        report(zip, "members " + ModelArchive.verify(zip) + ", CRCs verified");
        numpyProof(zip);
    }

    /** The seed's promise: numpy alone reads the arrays, no model code needed. */
    private void numpyProof(Path zip) {
        try {
            Process p = new ProcessBuilder("python3", "-c",
                    "import sys, numpy\nz = numpy.load(sys.argv[1])\n"
                            + "print('numpy.load lists', z.files, '; W.sum() =', z['W'].sum())",
                    zip.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (p.waitFor() == 0) {
                out("  " + Colors.green("ok") + "  python3: " + out);
            } else {
                out("  --  python3 with numpy is not available here; skipped the numpy proof");
            }
        } catch (IOException e) {
            out("  --  python3 is not available here; skipped the numpy proof");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void out(String line) {
        out.println(line);
    }

    /** The demo model's weight matrix: 4 x 3 float32 values. */
    private static NDArray weights() {
        float[] w = new float[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i - 6) / 8f;
        }
        return NDArray.of(w, 4, 3);
    }

    private void longTerm(Path dir) throws IOException {
        heading("Long-term serialization: only the essential state");
        Path save = dir.resolve("weights.save");
        LongTermModel v1 = new LongTermModel(weights(), NDArray.of(new double[] {0.5, -0.5, 0.25, 0.0}));
        Pickle.dump(v1, save, 2);
        ClassRegistry registry = NumpyPickles.standardRegistry().toBuilder()
                .register(RenamedModel.class, RenamedModel::new).build();
        RenamedModel v2 = (RenamedModel) new Unpickler(Files.readAllBytes(save),
                UnpicklerOptions.builder().registry(registry).build()).load();
        check(v1.w.equals(v2.weights) && v1.b.equals(v2.bias),
                "a file saved with fields (W, b) loads into a class whose fields are now (weights, bias)");
        report(save, "the state is just the tuple (W, b)");
    }

    private void heading(String title) {
        out.println();
        out.println(Colors.bold("== " + title));
    }

    private void check(boolean ok, String what) throws BrineException {
        if (!ok) {
            throw new BrineException("demo check failed: " + what);
        }
        out.println("  " + Colors.green("ok") + "  " + what);
    }

    private void report(Path file, String what) throws IOException {
        out.printf("  %-22s %8s  %s%n", file.getFileName(), Sizes.human(Files.size(file)), what);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The seed's short-term model: its training set is not pickled, and is reloaded on restore. */
    @PythonName(module = "brine_demo", name = "Model")
    static final class DemoModel implements PickleState {
        List<Double> weights;
        double bias;
        String trainingSetFile;
        transient Object trainingSet;

        DemoModel() {
        }

        DemoModel(List<Double> weights, double bias, String trainingSetFile) throws IOException {
            this.weights = weights;
            this.bias = bias;
            this.trainingSetFile = trainingSetFile;
            this.trainingSet = Pickle.load(Path.of(trainingSetFile));
        }

        @Override
        public Object getState() {
            Map<String, Object> state = new LinkedHashMap<>();
            state.put("weights", weights);
            state.put("bias", bias);
            state.put("training_set_file", trainingSetFile); // the training set itself is left out
            return state;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void setState(Object state) throws BrineException {
            Map<String, Object> d = (Map<String, Object>) state;
            weights = (List<Double>) d.get("weights");
            bias = (Double) d.get("bias");
            trainingSetFile = (String) d.get("training_set_file");
            try {
                trainingSet = Pickle.load(Path.of(trainingSetFile));
            } catch (IOException e) {
                throw new BrineException("cannot reload the training set: " + e.getMessage(), e);
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof DemoModel && ((DemoModel) o).weights.equals(weights) && ((DemoModel) o).bias == bias;
        }

        @Override
        public int hashCode() {
            return Objects.hash(weights, bias);
        }
    }

    /** Version 1 of a long-term model: the state is the tuple (W, b). */
    @PythonName(module = "brine_demo", name = "LongTermModel")
    static final class LongTermModel implements PickleState {
        Object w;
        Object b;

        LongTermModel(Object w, Object b) {
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
            w = t.get(0);
            b = t.get(1);
        }
    }

    /** Version 2: the fields are renamed, the pickled name and state stay the same. */
    @PythonName(module = "brine_demo", name = "LongTermModel")
    static final class RenamedModel implements PickleState {
        Object weights;
        Object bias;

        @Override
        public Object getState() {
            return Tuple.of(weights, bias);
        }

        @Override
        public void setState(Object state) {
            Tuple t = (Tuple) state;
            weights = t.get(0);
            bias = t.get(1);
        }
    }
}
