package dev.brine.archive;

import dev.brine.BrineException;
import dev.brine.ndarray.NDArray;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Chooses the member name of each array, with the rules of Aesara's
 * {@code PersistentSharedVariableID}: an array held by a named {@link SharedVariable} met before
 * the array takes the variable's name, the second array of that name gets {@code name_2}, the
 * third {@code name_3}, and any other array is {@code array_0}, {@code array_1}, ... in the order
 * met.
 *
 * <p>Two additions: an array that remembers the member it was loaded from
 * ({@link NDArray#memberName()}) and that no variable names keeps that name, so archive to
 * archive keeps names, unless those rules give that name to a variable's array anywhere in the
 * object (then it is numbered as any other array: a variable's name always goes to the variable);
 * and a name already taken is never given twice (Aesara would write two members of one name, of
 * which readers see only the last). "Taken" is by the key {@code numpy.load} lists a member under,
 * its name without a trailing {@code .npy} ({@link #numpyKey}): a variable named {@code W.npy}
 * beside one named {@code W} gets {@code W.npy_2}, where both members would be listed as {@code W}
 * and one array lost, and {@code pkl.npy} is refused as {@code pkl} is.
 */
final class MemberNames {
    static final String PICKLE_MEMBER = "pkl";
    /** Names the numbering gave, which carry no meaning worth keeping. */
    private static final Pattern GENERATED = Pattern.compile("array_\\d+");

    /**
     * The names Aesara's rules give the arrays of variables in the whole object, found only when an
     * array with a remembered name is met (the pickler is then run over the object once more, see
     * ArchiveWriter): a remembered name must not take one of them, though its variable comes later.
     */
    interface VariableMembers {
        Set<String> names() throws BrineException;
    }

    private final boolean allowUnnamed;
    private final boolean allowDuplicates;
    /** Null: remembered names are ignored (the naming that finds {@link #variableMembers()} itself). */
    private final VariableMembers variableMembers;
    private Set<String> reserved;
    private final Set<String> givenToVariables = new HashSet<>();
    private final Map<NDArray, String> variableNames = new IdentityHashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();
    private final Set<String> used = new HashSet<>(); // numpyKey of each name given
    private int unnamed;

    /**
     * Names as Aesara does, plus remembered names that {@code variableMembers} (null: none kept)
     * does not give a variable's array.
     */
    MemberNames(boolean allowUnnamed, boolean allowDuplicates, VariableMembers variableMembers) {
        this.allowUnnamed = allowUnnamed;
        this.allowDuplicates = allowDuplicates;
        this.variableMembers = variableMembers;
        used.add(PICKLE_MEMBER);
    }

    /** The member names given so far to arrays that variables named. */
    Set<String> variableMembers() {
        return givenToVariables;
    }

    /** Notes a variable met while pickling: its array, if not written yet, will take its name. */
    void noteVariable(SharedVariable v) throws BrineException {
        if (!v.isNamed()) {
            if (!allowUnnamed) {
                throw new BrineException("unnamed shared variable " + v + " (allowUnnamed is off): name it, or allow"
                        + " unnamed variables in the ArchiveOptions");
            }
            return;
        }
        String name = v.name();
        if (PICKLE_MEMBER.equals(numpyKey(name))) {
            throw new BrineException("a shared variable is named '" + name + "', which numpy.load would list as 'pkl', the"
                    + " name of the archive's pickle member; rename it");
        }
        String problem = unsafe(name);
        if (problem != null) {
            throw new BrineException("shared variable name '" + name + "' cannot be a member name: " + problem);
        }
        if (v.getValue() instanceof NDArray) {
            variableNames.put((NDArray) v.getValue(), name);
        }
    }

    /** The member name for {@code array}, met for the first time. */
    String nameFor(NDArray array) throws BrineException {
        String base = variableNames.get(array);
        if (base != null) {
            int count = counts.merge(base, 1, Integer::sum) - 1;
            if (count > 0 && !allowDuplicates) {
                throw new BrineException("multiple shared variables with the name '" + base + "' found (allowDuplicates"
                        + " is off)");
            }
            String name = take(numbered(base, count, Set.of()));
            givenToVariables.add(name);
            return name;
        }
        String remembered = array.memberName();
        if (variableMembers != null && remembered != null && !GENERATED.matcher(remembered).matches()
                && unsafe(remembered) == null && !PICKLE_MEMBER.equals(numpyKey(remembered))) {
            if (reserved == null) {
                reserved = new HashSet<>();
                for (String member : variableMembers.names()) {
                    reserved.add(numpyKey(member));
                }
            }
            if (!reserved.contains(numpyKey(remembered))) {
                int count = counts.merge(remembered, 1, Integer::sum) - 1;
                return take(numbered(remembered, count, reserved));
            }
        }
        String name;
        do {
            name = "array_" + unnamed++;
        } while (used.contains(name)); // an array_N name is its own key
        return take(name);
    }

    /**
     * {@code base} for the first, {@code base_2}, {@code base_3}, ... after, skipping names whose
     * key is taken and, for a remembered name ({@code avoid}: the keys of the variables' member
     * names), those that variables' arrays get.
     */
    private String numbered(String base, int count, Set<String> avoid) {
        String name = count == 0 ? base : base + "_" + (count + 1);
        while (used.contains(numpyKey(name)) || avoid.contains(numpyKey(name))) {
            count = counts.merge(base, 1, Integer::sum) - 1;
            name = base + "_" + (count + 1);
        }
        return name;
    }

    private String take(String name) {
        used.add(numpyKey(name));
        return name;
    }

    /** The key numpy.load (and Brine's NpzFile) lists member {@code name} under: without a trailing {@code .npy}. */
    static String numpyKey(String name) {
        return name.endsWith(".npy") ? name.substring(0, name.length() - ".npy".length()) : name;
    }

    /**
     * Why {@code name} cannot be a member name, or {@code null}: the same rules readers (Brine's
     * ZipReader among them) apply to refuse names that could escape a folder when extracted.
     */
    static String unsafe(String name) {
        String n = name.replace('\\', '/');
        if (n.startsWith("/") || (n.length() >= 2 && n.charAt(1) == ':' && Character.isLetter(n.charAt(0)))) {
            return "absolute paths are refused";
        }
        if (n.indexOf('\0') >= 0) {
            return "NUL characters are refused";
        }
        for (String seg : n.split("/", -1)) {
            if (seg.equals("..")) {
                return "'..' segments are refused";
            }
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 0xFFFF) {
            return "longer than 65535 bytes";
        }
        return null;
    }
}
