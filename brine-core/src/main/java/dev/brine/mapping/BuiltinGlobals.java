package dev.brine.mapping;

import dev.brine.BrineException;
import dev.brine.py.ByteArray;
import dev.brine.py.Complex;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.Hashing;
import dev.brine.py.KeyGuard;
import dev.brine.py.OrderedDict;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The globals CPython itself writes when it pickles builtin types, each mapped to Java code that
 * builds the same value. This is the whole of what {@link ClassRegistry#builtins()} trusts.
 */
final class BuiltinGlobals {
    /** The most zero bytes {@code bytes(n)} or {@code bytearray(n)} builds (1 MiB). */
    static final int MAX_ZERO_FILL = 1 << 20;
    /** The longest decimal.Decimal literal read (digits, sign, point and exponent). */
    static final int MAX_DECIMAL_LENGTH = 5_000;
    /** {@code builtins.object}, which {@code copyreg._reconstructor} names as the base class. */
    static final Global OBJECT = new Global("builtins", "object");
    static final Global TUPLE = new Global("builtins", "tuple");
    private static final Global LIST = new Global("builtins", "list");
    private static final Global DICT = new Global("builtins", "dict");
    /**
     * The bases {@code copyreg._reconstructor} creates a subclass instance of as {@code base.__new__(cls,
     * state)}: what NEWOBJ does at protocol 2 and above with the args their {@code __getnewargs__} gives.
     */
    private static final Global COMPLEX = new Global("builtins", "complex");
    private static final Set<Global> VALUE_BASES = Set.of(TUPLE, new Global("builtins", "int"),
            new Global("builtins", "float"), new Global("builtins", "str"), new Global("builtins", "bytes"), COMPLEX);

    private BuiltinGlobals() {
    }

    static ClassRegistry.Builder addTo(ClassRegistry.Builder b) {
        b.registerCallable(new SimpleCallable(GlobalKind.BUILTIN_FUNCTION, "_codecs", "encode", BuiltinGlobals::codecsEncode));
        b.registerCallable(new SimpleCallable("builtins", "set", a -> KeyGuard.newSet(iterable(a, "set"))));
        b.registerCallable(new SimpleCallable("builtins", "frozenset", a -> KeyGuard.newFrozenSet(iterable(a, "frozenset"))));
        b.registerCallable(new SimpleCallable("builtins", "bytearray", BuiltinGlobals::bytearray));
        b.registerCallable(new SimpleCallable("builtins", "bytes", BuiltinGlobals::bytes));
        b.registerCallable(new SimpleCallable(COMPLEX.module(), COMPLEX.name(), BuiltinGlobals::complex));
        // base class of copyreg._reconstructor, and the class of object(), made inert
        b.registerCallable(ArgumentOnlyClass.bareInstances(OBJECT, null));
        // the base of a tuple subclass (a namedtuple) at protocols 0 and 1
        b.registerCallable(new ArgumentOnlyClass(TUPLE, "tuples have their own opcodes"));
        // the bases of the other builtin types' subclasses at protocols 0 and 1 (bytes and complex are callables)
        for (String name : List.of("list", "dict", "int", "float", "str")) {
            b.registerCallable(new ArgumentOnlyClass(new Global("builtins", name), "only the base class copyreg._reconstructor"
                    + " names is registered"));
        }
        b.registerCallable(new SimpleCallable(GlobalKind.FUNCTION, "copyreg", "_reconstructor", BuiltinGlobals::reconstructor));
        b.registerCallable(new SimpleCallable(GlobalKind.FUNCTION, "copyreg", "__newobj__", BuiltinGlobals::newobj));
        b.registerCallable(new SimpleCallable(GlobalKind.FUNCTION, "copyreg", "__newobj_ex__", BuiltinGlobals::newobjEx));
        b.registerCallable(new SimpleCallable("decimal", "Decimal", BuiltinGlobals::decimal));
        b.registerCallable(new OrderedDictClass());
        b.registerWriter(BigDecimal.class, d -> Reduction.call(DECIMAL, d.toString()));
        b.registerWriter(Complex.class, c -> Reduction.call(COMPLEX, c.real(), c.imag()));
        DateTimes.addTo(b);
        Uuids.addTo(b);
        return b;
    }

    /** {@code _codecs.encode(str, encoding, errors)}: how bytes pickle below protocol 3. */
    private static Object codecsEncode(Tuple a) throws BrineException {
        return Codecs.encode(a, "_codecs.encode");
    }

    /**
     * The items of a set()/frozenset() argument, each checked to be hashable as Python requires: what
     * iterating it gives in CPython ({@link Iterables#itemsOf}: a str's characters, a dict's keys, the
     * items of a list, tuple, set or frozenset, the ints of bytes), refused with CPython's message when
     * CPython refuses it. The set built is charged as every call's result is (Limits.maxBytesRatio).
     */
    private static Collection<?> iterable(Tuple a, String what) throws BrineException {
        if (a.size() > 1) {
            throw new BrineException(what + " expected at most 1 argument, got " + a.size());
        }
        if (a.isEmpty()) {
            return List.of();
        }
        Collection<?> items = Iterables.itemsOf(a.get(0));
        if (items == null) {
            throw notIterable(a.get(0), what + "()");
        }
        for (Object item : items) {
            Hashing.requireHashable(item);
        }
        return items;
    }

    /**
     * CPython's TypeError for a value it cannot iterate, or Brine's own words for one Python may
     * iterate (a generic object's {@code __iter__}, an array) but Brine does not.
     */
    private static BrineException notIterable(Object v, String where) {
        if (Iterables.isPlainScalar(v)) {
            return new BrineException("'" + PythonTypeNames.of(v) + "' object is not iterable");
        }
        return new BrineException(where + " of " + PythonRepr.brief(v) + ": Brine iterates only a str, bytes, bytearray,"
                + " list, tuple, dict, set or frozenset");
    }

    private static Object bytearray(Tuple a) throws BrineException {
        return ByteArray.wrap(newBytes(a, "bytearray"));
    }

    private static Object bytes(Tuple a) throws BrineException {
        return newBytes(a, "bytes");
    }

    /**
     * The contents {@code bytes(*a)} and {@code bytearray(*a)} build, with CPython's argument rules:
     * nothing; a count of zero bytes; bytes or a bytearray; any iterable Brine holds of ints in
     * range(256) (a list, tuple, dict's keys, set or frozenset in CPython's own order, see
     * {@link Iterables#setOrder}); or a str with an encoding (and errors). Other values are refused
     * with CPython's message, or Brine's where Python might iterate them (a generic object).
     */
    private static byte[] newBytes(Tuple a, String what) throws BrineException {
        if (a.isEmpty()) {
            return new byte[0];
        }
        Object first = a.get(0);
        if (first instanceof String || a.size() > 1) {
            if (!(first instanceof String) || a.size() == 1) {
                // CPython's TypeErrors, word for word
                throw new BrineException(first instanceof String ? "string argument without an encoding"
                        : "encoding without a string argument");
            }
            return Codecs.encode(a, what);
        }
        if (first instanceof byte[]) {
            return ((byte[]) first).clone();
        }
        if (first instanceof ByteArray) {
            return ((ByteArray) first).array().clone();
        }
        if (first instanceof Long || first instanceof Boolean || first instanceof BigInteger) {
            return zeros(first, what);
        }
        List<?> items = Iterables.itemsOf(first);
        if (items == null) {
            throw Iterables.isPlainScalar(first)
                    ? new BrineException("cannot convert '" + PythonTypeNames.of(first) + "' object to " + what)
                    : notIterable(first, what + "()");
        }
        byte[] out = byteList(items, what);
        return first instanceof Set ? inSetOrder(out) : out;
    }

    /** The bytes of a set's ints in the order CPython iterates the set in (its table's, not insertion order). */
    private static byte[] inSetOrder(byte[] bytes) {
        int[] ints = new int[bytes.length];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = bytes[i] & 0xff;
        }
        int[] ordered = Iterables.setOrder(ints);
        for (int i = 0; i < ordered.length; i++) {
            bytes[i] = (byte) ordered[i];
        }
        return bytes;
    }

    /** {@code bytes(n)}: n zero bytes, n bounded before anything is allocated. */
    private static byte[] zeros(Object count, String what) throws BrineException {
        BigInteger n = count instanceof Boolean ? BigInteger.valueOf((Boolean) count ? 1 : 0) : toBig(count);
        if (n.signum() < 0) {
            throw new BrineException("negative count"); // CPython's whole message (ValueError)
        }
        if (n.compareTo(BigInteger.valueOf(MAX_ZERO_FILL)) > 0) {
            // the unpickler's maxBytesRatio is checked only after a call: bound the allocation here
            throw new BrineException(what + "(" + PythonRepr.brief(count) + "): more than the " + MAX_ZERO_FILL
                    + " zero bytes Brine builds from a count");
        }
        return new byte[n.intValueExact()];
    }

    private static BigInteger toBig(Object v) {
        return v instanceof BigInteger ? (BigInteger) v : BigInteger.valueOf((Long) v);
    }

    /** The bytes of a list of ints in range(256), with CPython's messages; Python's bools are ints (True is 1). */
    private static byte[] byteList(List<?> list, String what) throws BrineException {
        byte[] out = new byte[list.size()];
        for (int i = 0; i < out.length; i++) {
            Object v = list.get(i);
            if (v instanceof Boolean) {
                v = (Boolean) v ? 1L : 0L;
            }
            if (!(v instanceof Long || v instanceof BigInteger)) {
                throw new BrineException("'" + PythonTypeNames.of(v) + "' object cannot be interpreted as an integer");
            }
            if (!(v instanceof Long) || (Long) v < 0 || (Long) v > 255) {
                throw new BrineException((what.equals("bytes") ? "bytes" : "byte") + " must be in range(0, 256)");
            }
            out[i] = (byte) (long) (Long) v;
        }
        return out;
    }

    /**
     * {@code complex(real, imag)} as CPython 3.11's complex_new: a str alone (the literal), or up to
     * two numbers (int, float, complex, Decimal, bool), giving {@code real + imag*1j}; each refusal
     * with CPython's message, in CPython's order of checks.
     */
    private static Object complex(Tuple a) throws BrineException {
        if (a.size() > 2) {
            throw new BrineException("complex() takes at most 2 arguments (" + a.size() + " given)");
        }
        if (a.size() > 0 && a.get(0) instanceof String) {
            if (a.size() > 1) {
                throw new BrineException("complex() can't take second arg if first is a string");
            }
            return ComplexLiteral.parse((String) a.get(0));
        }
        if (a.size() > 1 && a.get(1) instanceof String) {
            throw new BrineException("complex() second arg can't be a string");
        }
        if (a.isEmpty()) {
            return new Complex(0, 0);
        }
        Object r = a.get(0);
        if (a.size() == 1 && r instanceof Complex) {
            return r; // CPython returns a complex argument itself
        }
        requireNumber(r, "first argument must be a string or a number");
        if (a.size() > 1) {
            requireNumber(a.get(1), "second argument must be a number");
        }
        double re = r instanceof Complex ? ((Complex) r).real() : real(r);
        if (a.size() == 1) {
            return new Complex(re, r instanceof Complex ? ((Complex) r).imag() : 0.0);
        }
        Object i = a.get(1);
        double im = i instanceof Complex ? ((Complex) i).real() : real(i);
        // complex_new's real + imag*1j: a complex part's other half is added only when there is one, so
        // that the zeros' signs come out as CPython's (complex(-0.0, -0.0) is (-0-0j), complex(-0.0, 0j) (-0+0j))
        if (i instanceof Complex) {
            re -= ((Complex) i).imag();
        }
        if (r instanceof Complex) {
            im += ((Complex) r).imag();
        }
        return new Complex(re, im);
    }

    private static void requireNumber(Object v, String what) throws BrineException {
        if (v instanceof Complex || v instanceof Double || v instanceof Long || v instanceof BigInteger
                || v instanceof Boolean || v instanceof BigDecimal || PythonTypeNames.isInertDecimal(v)) {
            return;
        }
        if (Iterables.isPlainScalar(v) || Iterables.isIterable(v)) {
            throw new BrineException("complex() " + what + ", not '" + PythonTypeNames.of(v) + "'");
        }
        // a generic object may have __float__ or __complex__ in Python, which Brine never runs
        throw new BrineException("complex() of " + PythonRepr.brief(v) + ": Brine takes only a str, int, float,"
                + " complex or decimal.Decimal");
    }

    private static double real(Object v) throws BrineException {
        if (v instanceof Double || v instanceof Long) {
            return ((Number) v).doubleValue();
        }
        if (v instanceof BigDecimal || PythonTypeNames.isInertDecimal(v)) {
            return decimalToFloat(v);
        }
        if (v instanceof BigInteger) {
            double d = ((BigInteger) v).doubleValue();
            if (Double.isInfinite(d)) {
                // CPython: OverflowError "int too large to convert to float"
                throw new BrineException("int too large to convert to float"); // CPython's OverflowError, word for word
            }
            return d;
        }
        if (v instanceof Boolean) {
            return (Boolean) v ? 1 : 0;
        }
        throw new BrineException("complex() argument must be a number, not " + dev.brine.py.PythonRepr.brief(v));
    }

    /**
     * {@code float(Decimal)}: CPython converts the Decimal's str, correctly rounded (so does
     * {@link Double#parseDouble}), an exponent past the double range to an infinity or a zero, a NaN
     * to a NaN of its sign; a signalling NaN it refuses.
     */
    private static double decimalToFloat(Object v) throws BrineException {
        String text = v instanceof BigDecimal ? v.toString() : (String) ((GenericObject) v).args().get(0);
        String unsigned = text.startsWith("-") ? text.substring(1) : text;
        double sign = text.startsWith("-") ? -1 : 1;
        if (unsigned.startsWith("sNaN")) {
            throw new BrineException("cannot convert signaling NaN to float");
        }
        if (unsigned.startsWith("NaN")) {
            return Math.copySign(Double.NaN, sign);
        }
        return unsigned.equals("Infinity") ? sign * Double.POSITIVE_INFINITY : Double.parseDouble(text);
    }

    /**
     * {@code copyreg._reconstructor(cls, base, state)}: how protocols 0 and 1 create plain objects and
     * instances of subclasses of builtin types. A registered class is made as {@link #fromBase} says; an
     * unregistered one (generic reading) stays an inert call, written back as it was read.
     */
    private static Object reconstructor(Tuple a) throws BrineException {
        if (a.size() != 3) {
            throw new BrineException("copyreg._reconstructor takes 3 arguments, got " + a.size());
        }
        Object cls = a.get(0);
        Object base = a.get(1);
        if (cls instanceof Global && ArgumentOnlyClass.is(base, OBJECT) && a.get(2) == null) {
            // an instance of an unknown class: the same generic object protocol 2's NEWOBJ gives (of that
            // class, not of copyreg), which the pickler writes back as this call below protocol 2
            return GenericObject.newObject((Global) cls, Tuple.empty());
        }
        if (cls instanceof Global || cls instanceof GenericObject) {
            return GenericObject.reduced(new Global("copyreg", "_reconstructor"), a);
        }
        if (!(cls instanceof PyCallable)) {
            throw new BrineException("copyreg._reconstructor: " + PythonRepr.brief(cls) + " is not a class");
        }
        return fromBase((PyCallable) cls, base, a.get(2));
    }

    /**
     * A registered class made by {@code _reconstructor}: the same value protocol 2's opcodes give for
     * the same Python object. Base object: {@code cls.__new__(cls)} (the state is ignored, as CPython
     * does). Base list or dict: {@code cls.__new__(cls)} holding the state's items, as APPENDS and
     * SETITEMS would add them, which needs a Java {@link List} or {@link Map}. A value base (tuple,
     * int, float, str, bytes, complex): {@code cls.__new__(cls, state)}, which a record (a tuple's
     * fields are its components) or a callable of the user's can take, and a {@link PickleState}
     * class cannot. Anything else is refused, never made half or left an inert object.
     */
    private static Object fromBase(PyCallable cls, Object base, Object state) throws BrineException {
        Global b = base instanceof PyCallable ? ((PyCallable) base).global() : null;
        if (OBJECT.equals(b)) {
            return cls.newObject(Tuple.empty(), Map.of());
        }
        if (cls instanceof Uuids.UuidClass) {
            if (b != null && "builtins".equals(b.module())) {
                // CPython's TypeError: a UUID derives from object only (int.__new__(UUID): UUID is not a subtype of int)
                throw new BrineException("copyreg._reconstructor: " + b.name() + ".__new__(UUID): UUID is not a subtype of "
                        + b.name());
            }
            // uuid.UUID as its own base would run UUID.__init__(state), which CPython writes nowhere
            throw new BrineException("copyreg._reconstructor: Brine makes a uuid.UUID only on the base object, as CPython"
                    + " writes it; on the base " + (b != null ? b.toString() : PythonRepr.brief(base))
                    + " the pickle would call that class with " + PythonRepr.brief(state));
        }
        if (LIST.equals(b) || DICT.equals(b)) {
            return withItems(cls, b, state);
        }
        if (TUPLE.equals(b) && cls instanceof ClassRegistry.RecordClass) {
            return recordFromTuple((ClassRegistry.RecordClass<?>) cls, state);
        }
        if (VALUE_BASES.contains(b) && !(cls instanceof ClassRegistry.StatefulClass)) {
            // complex.__getnewargs__ gives (real, imag); the others give (value,)
            return cls.newObject(COMPLEX.equals(b) && state instanceof Complex
                    ? Tuple.of(((Complex) state).real(), ((Complex) state).imag()) : Tuple.of(state), Map.of());
        }
        String why = VALUE_BASES.contains(b) ? "a class registered with its state (PickleState) cannot hold the "
                + b.name() + " value of its base; register a record of one component, or a PyCallable whose newObject takes it"
                : "Brine makes registered classes only on the bases CPython writes at protocols 0 and 1 (object, list, dict,"
                + " tuple, int, float, str, bytes, complex)";
        throw new BrineException("copyreg._reconstructor: " + cls.global() + " on the base "
                + (b != null ? b.toString() : PythonRepr.brief(base)) + ": " + why);
    }

    /** {@code base.__new__(cls)} then {@code base.__init__(obj, state)} for base list or dict. */
    @SuppressWarnings("unchecked")
    private static Object withItems(PyCallable cls, Global base, Object state) throws BrineException {
        boolean list = LIST.equals(base);
        if (list ? !(state instanceof List || state instanceof Tuple) : !(state instanceof Map)) {
            throw new BrineException("copyreg._reconstructor: " + cls.global() + " on the base " + base + " needs its items as a "
                    + (list ? "list" : "dict") + ", got " + PythonRepr.brief(state));
        }
        Object made = cls.newObject(Tuple.empty(), Map.of());
        if (list && made instanceof List) {
            ((List<Object>) made).addAll(state instanceof Tuple ? ((Tuple) state).asList() : (List<?>) state);
        } else if (!list && made instanceof Map) {
            ((Map<Object, Object>) made).putAll((Map<?, ?>) state);
        } else {
            throw new BrineException("copyreg._reconstructor: " + cls.global() + " derives from " + base + " in Python, but"
                    + " reads as a " + (made == null ? "None" : made.getClass().getName()) + ", not a java.util."
                    + (list ? "List" : "Map") + " that can hold its items");
        }
        return made;
    }

    /**
     * {@code tuple.__new__(cls, fields)}, which {@code _reconstructor} does for a tuple subclass: what a
     * {@code namedtuple} standing in for a registered record writes at protocols 0 and 1. Only a
     * registered record is made so; any other class with a tuple base stays refused or inert.
     */
    private static Object recordFromTuple(ClassRegistry.RecordClass<?> cls, Object fields) throws BrineException {
        if (!(fields instanceof Tuple)) {
            throw new BrineException("copyreg._reconstructor: " + cls.global() + " with base tuple needs a tuple of its"
                    + " components, got " + dev.brine.py.PythonRepr.brief(fields));
        }
        return cls.fromTuple((Tuple) fields);
    }

    /** {@code copyreg.__newobj__(cls, *args)}: NEWOBJ spelled for protocols 0 and 1. */
    private static Object newobj(Tuple a) throws BrineException {
        if (a.isEmpty()) {
            throw new BrineException("copyreg.__newobj__ needs a class");
        }
        Object cls = a.get(0);
        Object[] rest = new Object[a.size() - 1];
        for (int i = 1; i < a.size(); i++) {
            rest[i - 1] = a.get(i);
        }
        if (cls instanceof PyCallable) {
            return ((PyCallable) cls).newObject(Tuple.of(rest), Map.of());
        }
        if (cls instanceof Global && rest.length > 0) {
            return GenericObject.newObject((Global) cls, Tuple.of(rest)); // written back as this call below protocol 2
        }
        // without arguments, kept as the call: an object made by NEWOBJ with none is written below protocol 2 as
        // object.__reduce_ex__ gives it (copyreg._reconstructor, which skips cls.__new__), and this pickle says that
        // the class's own __reduce__ gives __newobj__; the pickler writes it as NEWOBJ from protocol 2 on, as CPython
        return GenericObject.reduced(new Global("copyreg", "__newobj__"), a);
    }

    @SuppressWarnings("unchecked")
    private static Object newobjEx(Tuple a) throws BrineException {
        if (a.size() != 3 || !(a.get(1) instanceof Tuple) || !(a.get(2) instanceof Map)) {
            throw new BrineException("copyreg.__newobj_ex__ takes (cls, args, kwargs), got " + dev.brine.py.PythonRepr.brief(a));
        }
        if (a.get(0) instanceof PyCallable) {
            return ((PyCallable) a.get(0)).newObject((Tuple) a.get(1), (Map<Object, Object>) a.get(2));
        }
        return GenericObject.reduced(new Global("copyreg", "__newobj_ex__"), a);
    }

    /**
     * {@code decimal.Decimal(value)} of a str, int, float, Decimal (itself) or {@code (sign, digits,
     * exponent)} tuple or list ({@link DecimalLiteral#ofTuple}), with an optional context of None: a
     * BigDecimal, except for what BigDecimal cannot hold (NaN, sNaN, infinities, negative zeros such
     * as {@code -0} or {@code -0.00}, and exponents beyond an {@code int} scale, see
     * {@link DecimalLiteral}): those stay an inert
     * {@link GenericObject} {@code decimal.Decimal(str)} holding CPython's own {@code str()} of the
     * value, so that it writes back byte for byte as CPython would.
     */
    private static Object decimal(Tuple a) throws BrineException {
        if (a.isEmpty()) {
            return BigDecimal.ZERO; // Decimal() is Decimal('0')
        }
        if (a.size() > 2) {
            throw new BrineException("function takes at most 2 arguments (" + a.size() + " given)");
        }
        if (a.size() == 2 && a.get(1) != null) {
            // a pickle can name no decimal.Context (Brine registers none); None is the current context
            throw new BrineException("optional argument must be a context");
        }
        Object v = a.get(0);
        if (v instanceof BigDecimal || PythonTypeNames.isInertDecimal(v)) {
            return v; // CPython returns a Decimal argument itself
        }
        if (v instanceof Tuple || v instanceof List) {
            return decimalOfLiteral(DecimalLiteral.ofTuple(v, MAX_DECIMAL_LENGTH), v);
        }
        if (v instanceof Long || v instanceof BigInteger) {
            if (toBig(v).bitLength() > MAX_DECIMAL_LENGTH * 3) {
                // its digits would take seconds to print: the same bound as a literal's length
                throw new BrineException("decimal.Decimal of an int of " + toBig(v).bitLength() + " bits: more digits than the "
                        + MAX_DECIMAL_LENGTH + " Brine reads");
            }
            return new BigDecimal(toBig(v));
        }
        if (v instanceof Boolean) {
            return BigDecimal.valueOf((Boolean) v ? 1 : 0);
        }
        if (v instanceof Double) {
            return decimalOfFloat((Double) v);
        }
        if (!(v instanceof String)) {
            throw Iterables.isPlainScalar(v) || Iterables.isIterable(v)
                    ? new BrineException("conversion from " + PythonTypeNames.of(v) + " to Decimal is not supported")
                    : new BrineException("decimal.Decimal of " + PythonRepr.brief(v) + ": Brine takes only a str, int,"
                    + " float, Decimal or (sign, digits, exponent) tuple");
        }
        // libmpdec strips surrounding whitespace and drops every underscore
        String s = ((String) v).strip().replace("_", "");
        if (s.length() > MAX_DECIMAL_LENGTH) {
            // BigDecimal parses in time quadratic in the digits: a million-digit literal would take a minute
            throw new BrineException("decimal.Decimal literal of " + s.length() + " characters: more than the "
                    + MAX_DECIMAL_LENGTH + " Brine reads");
        }
        return decimalOfLiteral(s, v);
    }

    /**
     * The Decimal of literal {@code s} (stripped, its length checked): a BigDecimal, or inert for what
     * BigDecimal cannot hold.
     */
    private static Object decimalOfLiteral(String s, Object v) throws BrineException {
        String special = nonFiniteDecimal(s);
        if (special != null) {
            return inertDecimal(special);
        }
        BigDecimal d;
        try {
            d = new BigDecimal(s);
        } catch (NumberFormatException e) {
            String beyond = DecimalLiteral.canonical(s); // an exponent past BigDecimal's int scale
            if (beyond == null) {
                throw new BrineException("invalid Decimal literal: " + PythonRepr.brief(v));
            }
            return inertDecimal(beyond);
        }
        if (d.signum() == 0 && s.startsWith("-")) {
            // BigDecimal has no negative zero; Python's str() keeps the sign and the exponent
            return inertDecimal("-" + d.toString());
        }
        return d;
    }

    /**
     * {@code Decimal(float)}, {@code Decimal.from_float}: the float's exact binary value, n * 5**k
     * with exponent -k where the float is n / 2**k, which is what {@code new BigDecimal(double)} gives
     * (an integral float has exponent 0). A NaN (of either sign: from_float takes {@code repr(f)}),
     * an infinity or a negative zero stays inert, as those literals do.
     */
    private static Object decimalOfFloat(double f) {
        if (Double.isNaN(f)) {
            return inertDecimal("NaN");
        }
        if (Double.isInfinite(f)) {
            return inertDecimal(f > 0 ? "Infinity" : "-Infinity");
        }
        if (f == 0 && Double.doubleToRawLongBits(f) != 0) {
            return inertDecimal("-0");
        }
        return new BigDecimal(f);
    }

    private static GenericObject inertDecimal(String canonical) {
        return GenericObject.reduced(DECIMAL, Tuple.of(canonical));
    }

    /**
     * CPython's {@code str()} of a NaN, sNaN or infinity literal (case-insensitive, "inf" or
     * "infinity", a NaN payload of digits whose leading zeros drop), or null for anything else.
     */
    private static String nonFiniteDecimal(String s) {
        java.util.regex.Matcher m = NON_FINITE.matcher(s);
        if (!m.matches()) {
            return null;
        }
        String sign = "-".equals(m.group(1)) ? "-" : "";
        if (m.group(4) != null) {
            return sign + "Infinity";
        }
        String payload = m.group(3).replaceFirst("^0+", "");
        return sign + (m.group(2) != null ? "sNaN" : "NaN") + payload;
    }

    private static final java.util.regex.Pattern NON_FINITE = java.util.regex.Pattern.compile(
            "([+-]?)(?:(?i:(s)?nan)([0-9]*)|(?i:(inf|infinity)))");
    private static final Global DECIMAL = new Global("decimal", "Decimal");



    /** {@code collections.OrderedDict}: REDUCE with no arguments (items follow with SETITEMS). */
    private static final class OrderedDictClass implements PyCallable {
        private static final Global NAME = new Global("collections", "OrderedDict");

        @Override
        public Global global() {
            return NAME;
        }

        @Override
        public String toString() {
            return GlobalKind.CLASS.repr(NAME);
        }

        @Override
        public Object call(Tuple args) throws BrineException {
            OrderedDict<Object, Object> d = new OrderedDict<>();
            if (args.size() == 1 && (args.get(0) instanceof List || args.get(0) instanceof Tuple)) {
                // a list or tuple of pairs (CPython takes any iterable of them; a set's order would be its hashing's)
                List<?> pairs = args.get(0) instanceof Tuple ? ((Tuple) args.get(0)).asList() : (List<?>) args.get(0);
                KeyGuard guard = pairs.size() < KeyGuard.MIN_KEYS ? null : KeyGuard.forDict(d.keySet());
                for (Object pair : pairs) {
                    Object[] kv = pair instanceof Tuple ? ((Tuple) pair).toArray()
                            : pair instanceof List ? ((List<?>) pair).toArray() : null;
                    if (kv == null || kv.length != 2) {
                        throw new BrineException("OrderedDict items must be pairs, got " + dev.brine.py.PythonRepr.brief(pair));
                    }
                    Hashing.requireHashable(kv[0]);
                    if (guard == null) {
                        d.put(kv[0], kv[1]);
                    } else {
                        guard.put(d, kv[0], kv[1]);
                    }
                }
            } else if (args.size() == 1 && args.get(0) instanceof Map) {
                d.putAll((Map<?, ?>) args.get(0)); // keys the reader put in a dict already, through its KeyGuard
            } else if (!args.isEmpty()) {
                throw new BrineException("OrderedDict() arguments not understood: " + dev.brine.py.PythonRepr.brief(args));
            }
            return d;
        }

        @Override
        public Object newObject(Tuple args, Map<Object, Object> kwargs) {
            return new OrderedDict<>();
        }
    }
}
