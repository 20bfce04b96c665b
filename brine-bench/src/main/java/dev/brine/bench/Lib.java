package dev.brine.bench;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.brine.pickle.Pickle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;

/**
 * The libraries compared, each used the way its documentation shows, on its natural form of the
 * workload:
 *
 * <ul>
 *   <li>{@link #BRINE}: {@code Pickle.loads}/{@code Pickle.dumps} (protocol 5) on the contract's types;</li>
 *   <li>{@link #RAZORVINE}: net.razorvine pickle 1.5, loading the same pickle bytes; its dumps
 *       gets what its own loads returns (Integer, HashMap) and writes its own (protocol 2) pickle;</li>
 *   <li>{@link #JDK}: {@code ObjectOutputStream}/{@code ObjectInputStream} of the ArrayList
 *       (records as the small {@link Rec} class);</li>
 *   <li>{@link #KRYO}: Kryo 5 with ArrayList and Rec registered, default serializers, no references;</li>
 *   <li>{@link #COPY}: {@code System.arraycopy} of the pickle's bytes into a buffer allocated once —
 *       the physical floor, the same for "loads" and "dumps".</li>
 * </ul>
 */
public enum Lib {
    BRINE, RAZORVINE, JDK, KRYO, COPY;

    /** A fresh, single-threaded codec (Kryo instances are not thread-safe). */
    public Codec newCodec() {
        return switch (this) {
            case BRINE -> new BrineCodec();
            case RAZORVINE -> new RazorvineCodec();
            case JDK -> new JdkCodec();
            case KRYO -> new KryoCodec();
            case COPY -> new CopyCodec();
        };
    }

    public String label() {
        return name().toLowerCase();
    }

    /** One library's loads and dumps. */
    public abstract static class Codec {
        /** This library's natural in-memory form of {@code w}, given the workload's pickle. */
        public abstract Object prepare(Workload w, byte[] pickle) throws Exception;

        public abstract byte[] dumps(Object value) throws Exception;

        public abstract Object loads(byte[] encoded) throws Exception;
    }

    static final class BrineCodec extends Codec {
        @Override
        public Object prepare(Workload w, byte[] pickle) {
            return w.brineValue();
        }

        @Override
        public byte[] dumps(Object value) throws IOException {
            return Pickle.dumps(value);
        }

        @Override
        public Object loads(byte[] encoded) throws IOException {
            return Pickle.loads(encoded);
        }
    }

    static final class RazorvineCodec extends Codec {
        /**
         * What razorvine's own loads returns for the pickle, built directly: its loads is
         * quadratic in the length of a list (it calls {@code ArrayList.trimToSize()} after every
         * APPENDS batch of 1000), so at 10× sizes it cannot be used to prepare the data.
         */
        @Override
        public Object prepare(Workload w, byte[] pickle) {
            return razorvineForm(w.brineValue());
        }

        /** Python ints that fit 32 bits are Integer, dicts are HashMap; the rest as Brine has them. */
        static Object razorvineForm(Object v) {
            if (v instanceof Long && (Long) v == ((Long) v).intValue()) {
                return ((Long) v).intValue();
            }
            if (v instanceof java.util.List) {
                java.util.List<?> in = (java.util.List<?>) v;
                ArrayList<Object> out = new ArrayList<>(in.size());
                for (Object o : in) {
                    out.add(razorvineForm(o));
                }
                return out;
            }
            if (v instanceof java.util.Map) {
                java.util.Map<?, ?> in = (java.util.Map<?, ?>) v;
                java.util.HashMap<Object, Object> out = new java.util.HashMap<>();
                for (java.util.Map.Entry<?, ?> e : in.entrySet()) {
                    out.put(razorvineForm(e.getKey()), razorvineForm(e.getValue()));
                }
                return out;
            }
            return v;
        }

        @Override
        public byte[] dumps(Object value) throws IOException {
            return new net.razorvine.pickle.Pickler().dumps(value);
        }

        @Override
        public Object loads(byte[] encoded) throws IOException {
            return new net.razorvine.pickle.Unpickler().loads(encoded);
        }
    }

    static final class JdkCodec extends Codec {
        private int lastSize = 1 << 16;

        @Override
        public Object prepare(Workload w, byte[] pickle) {
            return w.javaValue();
        }

        @Override
        public byte[] dumps(Object value) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(lastSize);
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            }
            lastSize = bytes.size();
            return bytes.toByteArray();
        }

        @Override
        public Object loads(byte[] encoded) throws IOException, ClassNotFoundException {
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(encoded))) {
                return in.readObject();
            }
        }
    }

    static final class KryoCodec extends Codec {
        private final Kryo kryo = new Kryo();
        private final Output output = new Output(1 << 16, -1);
        private final Input input = new Input();

        KryoCodec() {
            kryo.register(ArrayList.class);
            kryo.register(Rec.class);
        }

        @Override
        public Object prepare(Workload w, byte[] pickle) {
            return w.javaValue();
        }

        @Override
        public byte[] dumps(Object value) {
            output.reset();
            kryo.writeObject(output, value);
            return output.toBytes();
        }

        @Override
        public Object loads(byte[] encoded) {
            input.setBuffer(encoded);
            return kryo.readObject(input, ArrayList.class);
        }
    }

    static final class CopyCodec extends Codec {
        private byte[] target = new byte[0];

        @Override
        public Object prepare(Workload w, byte[] pickle) {
            target = new byte[pickle.length];
            return pickle;
        }

        @Override
        public byte[] dumps(Object value) {
            return loads((byte[]) value);
        }

        @Override
        public byte[] loads(byte[] encoded) {
            System.arraycopy(encoded, 0, target, 0, encoded.length);
            return target;
        }
    }
}
