package dev.brine.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The object workloads of the "Speed" issue: one Python list of N items, generated
 * deterministically (fixed seed) so that every library, every run and CPython see the same data.
 *
 * <p>The Brine form ({@link #brineValue()}) follows the type contract (int → Long, float → Double,
 * str → String, list → ArrayList, dict → LinkedHashMap, bool → Boolean); its pickle, written by
 * Brine at protocol 5, is byte-identical to CPython's and is the "pickle" every other number is
 * measured against. The other libraries get their own natural form of the same data (see
 * {@link Lib}).
 */
public enum Workload {
    /** 1,000,000 ints: a third each in 0..255, 0..65535 and the signed 32-bit range (BININT1/2/BININT). */
    INTS_1M(Kind.INTS, 1_000_000),
    /** 1,000,000 floats, uniform in [-5e5, 5e5). */
    FLOATS_1M(Kind.FLOATS, 1_000_000),
    /** 300,000 short strings of 4 to 16 letters; every tenth has one non-ASCII character. */
    STRINGS_300K(Kind.STRINGS, 300_000),
    /** 200,000 records: dicts {id: int, name: str, score: float, tags: [int...], active: bool}. */
    RECORDS_200K(Kind.RECORDS, 200_000),
    /** {@link #INTS_1M} at 10× size. */
    INTS_10M(Kind.INTS, 10_000_000),
    /** {@link #RECORDS_200K} at 10× size. */
    RECORDS_2M(Kind.RECORDS, 2_000_000);

    /** The shape of a workload's items. */
    public enum Kind { INTS, FLOATS, STRINGS, RECORDS }

    /** Record keys: one String object each, as CPython shares its interned key strings. */
    static final String ID = "id";
    static final String NAME = "name";
    static final String SCORE = "score";
    static final String TAGS = "tags";
    static final String ACTIVE = "active";

    private static final long SEED = 0x5EED_B21EL;
    private static final char[] NON_ASCII = {'é', 'ü', 'ß', 'ø', 'λ', '漢', '€'};

    private final Kind kind;
    private final int count;

    Workload(Kind kind, int count) {
        this.kind = kind;
        this.count = count;
    }

    public Kind kind() {
        return kind;
    }

    /** The number of items in the list ("objects" in objects/s). */
    public int count() {
        return count;
    }

    /** The workload as Brine (and CPython) values: an ArrayList of Long, Double, String or LinkedHashMap. */
    public ArrayList<Object> brineValue() {
        return brineValue(kind, count);
    }

    /** {@link #brineValue()} of any size (the CLI run uses 500,000 records). */
    public static ArrayList<Object> brineValue(Kind kind, int count) {
        SplittableRandom r = new SplittableRandom(SEED);
        ArrayList<Object> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            switch (kind) {
                case INTS -> list.add(intAt(r, i));
                case FLOATS -> list.add(floatAt(r));
                case STRINGS -> list.add(stringAt(r, i));
                case RECORDS -> list.add(record(r, i));
                default -> throw new AssertionError(kind);
            }
        }
        return list;
    }

    /**
     * The workload as plain Java objects for JDK serialization and Kryo: the same lists of boxed
     * values, and for records a small Java class ({@link Rec}) rather than a map, because that is
     * how a Java program would hold them.
     */
    public ArrayList<Object> javaValue() {
        if (kind != Kind.RECORDS) {
            return brineValue();
        }
        SplittableRandom r = new SplittableRandom(SEED);
        ArrayList<Object> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Map<String, Object> m = record(r, i);
            list.add(Rec.of(m));
        }
        return list;
    }

    static Long intAt(SplittableRandom r, int i) {
        switch (i % 3) {
            case 0:
                return (long) r.nextInt(256);
            case 1:
                return (long) r.nextInt(65536);
            default:
                return (long) r.nextInt();
        }
    }

    static Double floatAt(SplittableRandom r) {
        return r.nextDouble() * 1e6 - 5e5;
    }

    static String stringAt(SplittableRandom r, int i) {
        int len = 4 + r.nextInt(13);
        char[] c = new char[len];
        for (int k = 0; k < len; k++) {
            c[k] = (char) ('a' + r.nextInt(26));
        }
        if (i % 10 == 0) {
            c[r.nextInt(len)] = NON_ASCII[r.nextInt(NON_ASCII.length)];
        }
        return new String(c);
    }

    static LinkedHashMap<String, Object> record(SplittableRandom r, int i) {
        LinkedHashMap<String, Object> m = new LinkedHashMap<>();
        m.put(ID, (long) i);
        m.put(NAME, "user" + i);
        m.put(SCORE, r.nextDouble() * 100);
        int n = r.nextInt(4);
        List<Object> tags = new ArrayList<>(n);
        for (int k = 0; k < n; k++) {
            tags.add((long) r.nextInt(1000));
        }
        m.put(TAGS, tags);
        m.put(ACTIVE, (i & 1) == 0);
        return m;
    }

    /** A short lower-case name for tables and file names, e.g. {@code ints_1m}. */
    public String label() {
        return name().toLowerCase();
    }
}
