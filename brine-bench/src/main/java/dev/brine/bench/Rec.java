package dev.brine.bench;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A record of the records workload as a Java program would hold it: a small mutable class (Kryo's
 * FieldSerializer wants a no-argument constructor, JDK serialization wants {@link Serializable}).
 */
public final class Rec implements Serializable {
    private static final long serialVersionUID = 1L;

    public long id;
    public String name;
    public double score;
    public ArrayList<Long> tags;
    public boolean active;

    /** For Kryo. */
    public Rec() {
    }

    @SuppressWarnings("unchecked")
    static Rec of(Map<String, Object> m) {
        Rec r = new Rec();
        r.id = (Long) m.get(Workload.ID);
        r.name = (String) m.get(Workload.NAME);
        r.score = (Double) m.get(Workload.SCORE);
        r.tags = new ArrayList<>((List<Long>) m.get(Workload.TAGS));
        r.active = (Boolean) m.get(Workload.ACTIVE);
        return r;
    }
}
