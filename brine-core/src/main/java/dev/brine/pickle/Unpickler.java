package dev.brine.pickle;

import dev.brine.BrineException;
import dev.brine.LimitExceededException;
import dev.brine.mapping.ArgumentOnlyClass;
import dev.brine.mapping.Deferred;
import dev.brine.mapping.PickleState;
import dev.brine.mapping.PyCallable;
import dev.brine.mapping.PythonTypeNames;
import dev.brine.mapping.PythonNames;
import dev.brine.py.ByteArray;
import dev.brine.py.ByteArrayAccess;
import dev.brine.py.FrozenSet;
import dev.brine.py.GenericObject;
import dev.brine.py.Global;
import dev.brine.py.GlobalAccess;
import dev.brine.py.KeyGuard;
import dev.brine.py.PickleBuffer;
import dev.brine.py.PythonRepr;
import dev.brine.py.Tuple;
import dev.brine.py.TupleAccess;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads pickles of protocols 0–5: the stack machine of CPython's {@code Lib/pickle.py}, one short
 * method per opcode, iterative (deep input never grows the Java stack).
 *
 * <p>Several pickles in one stream are read by calling {@link #load()} repeatedly; {@link #hasNext()}
 * tells whether another one follows. After each STOP the source is left exactly after it, so a
 * fresh Unpickler (or {@link Pickle#load(InputStream)}) may read the next pickle, as repeated
 * {@code pickle.load(f)} calls do: a stream that supports mark/reset ({@link java.io.BufferedInputStream},
 * {@link java.io.ByteArrayInputStream}) or a {@link java.io.FileInputStream} on a regular file is
 * read ahead in blocks and taken back to just after STOP; any other stream ({@code Files.newInputStream},
 * a pipe, a socket) is read no further than the pickle needs, as CPython reads a file without
 * {@code peek}: whole frames at protocol 4+, else each opcode's argument by its length, one stream
 * read per opcode (wrap such a stream in a BufferedInputStream when speed matters). The caller may read
 * or move the stream between loads (a trailer after each pickle, a seek to an index's offset): the next
 * load starts where the stream then is. {@link #load()} at the end of the input throws
 * {@link EndOfPicklesException} (CPython's EOFError), and a later load asks the stream again, so a file
 * that grows is read as it grows. A frame that declares more bytes than its pickle uses is consumed
 * whole from the stream, as CPython's C reader does (a fresh Unpickler starts after it), and refused when
 * it runs past the end of the input; the rest of it after STOP is read by this Unpickler's next load,
 * as one CPython Unpickler reads it from its buffer.
 * The memo lives on from one {@code load} to the next, as in CPython's Unpickler: for pickles that
 * were each dumped with a fresh memo (a {@code dump} per object), call {@link #clearMemo()} before
 * each {@code load}, or let {@link #loadNext()} tell the two kinds of stream apart.
 *
 * <p>Globals resolve only through the options' {@link dev.brine.mapping.ClassRegistry}; nothing named
 * in the input is ever looked up elsewhere, loaded or run. Below protocol 4 CPython names a nested
 * class {@code getattr(Outer, 'Inner')}: that reads as the name {@code Outer.Inner}, also without
 * generic objects, where {@code builtins.getattr} and an unregistered Outer are held only as inert
 * stand-ins that any other use refuses (see {@code Pending}). Methods ({@code dict.fromkeys}) are
 * named the same way at every protocol; with generic objects such a name reads as a {@link Global}
 * whose {@link Global.Form} says which it was, as far as the pickle's protocol tells.
 */
public final class Unpickler {
    private static final Object[] NO_ITEMS = new Object[0];

    private final PickleInput in;
    private final UnpicklerOptions options;
    private final Iterator<PickleBuffer> buffers;
    private final int maxDepth;
    private final int maxStack;
    private final int maxMemo;
    private final long maxBytesRatio;
    private long built; // bytes built by calls from values already read (see Limits.maxBytesRatio)
    private long outOfBand; // bytes of the caller's out-of-band buffers and the persistent loader's reads: input too, for that ratio

    // push() checks maxStackSize only when the array is full, so it starts no larger than the limit
    private Object[] stack;
    private int sp;
    private int[] marks = new int[8];
    private int markCount;
    private int fence; // stack index below which the current mark frame may not pop
    private Object[] memo = new Object[32];
    private Map<Long, Object> sparseMemo; // PUT indices far beyond the memo's size
    private int memoCount;
    private Map<Object, List<Long>> deferredSlots; // memo slots of stand-ins that BUILD will replace
    // the guards of the dicts and sets filled item by item that grew past KeyGuard.MIN_KEYS; kept as long
    // as the memo, through which a later load may fill them further (no recount of a big dict per load)
    private IdentityHashMap<Object, KeyGuard> keyGuards;
    private boolean deferredMade; // see noteDeferred
    private long inertNames; // see inertNamesMet
    // the distinct names counted by inertNames, first met first, at most InertGlobals.MAX_LISTED (see inertGlobals);
    // null until one is met: a pickle of only registered globals allocates nothing for it
    private LinkedHashSet<Global> inertGlobals;
    private boolean moreInertGlobals; // a name not in inertGlobals was met once it was full
    // stand-ins made by calls and not yet given their state by BUILD (see finished): counted while the memo
    // may still hold them, so that one fetched by a later pickle is caught too
    private long unbuilt;
    // the stand-ins a GET or DUP handed out before their BUILD, and where they went (see StandIns); null
    // (nothing to do, and nothing for any opcode to note) unless a pickle fetches an object it is still making
    private StandIns standIns;
    private boolean handedOutHere; // this load handed a stand-in out before its BUILD: STOP checks its value (see finished)
    private boolean pendingMade; // a Pending was pushed (see checkedAll); stays set, as the memo may keep one
    private boolean missingMemo; // a GET found no memo entry (see loadNext)
    private boolean sharedMemoStream; // loadNext reads with the earlier pickles' memo first
    private boolean memoSpannedPickles; // see memoSpannedPickles()
    private int protocol;
    private long opOffset;
    /**
     * The byte of the opcode being read, {@link #NO_OPCODE} while the opcode itself is read: an int
     * rather than the {@link Opcode}, because the loop stores it for every opcode and a reference
     * store also marks the GC's card table: records_2m loads 423.3 -> 392.1 ms, records_200k
     * 45.3 -> 41.2 ms with the Hashing change (AbCompare, best of 16 and 30); the other workloads
     * unchanged. {@link #op()} names it when a message needs it.
     */
    private int opCode = NO_OPCODE;
    /** Limits.maxAllocation and maxArrayElements, kept in fields: every string and bytes opcode checks the first. */
    private final long maxAllocation;
    private final long maxArrayElements;
    /**
     * maxAllocation for a 1- or 4-byte length when it is below what a byte[] holds, else none: at the
     * default (2^31) a larger claim is left to PickleInput.readBytes, which says the data is truncated
     * as CPython does, without allocating it; a claim it could not hold is never loaded either way.
     */
    private final long lengthLimit;
    private static final int NO_OPCODE = -1;

    private Unpickler(PickleInput in, UnpicklerOptions options, Iterable<PickleBuffer> buffers) {
        this.in = in;
        this.options = options;
        this.buffers = buffers == null ? null : buffers.iterator();
        this.maxDepth = options.limits().maxDepth();
        this.maxStack = options.limits().maxStackSize();
        this.stack = new Object[Math.min(32, maxStack)];
        this.maxMemo = options.limits().maxMemoEntries();
        this.maxBytesRatio = options.limits().maxBytesRatio();
        this.maxAllocation = options.limits().maxAllocation();
        this.maxArrayElements = options.limits().maxArrayElements();
        this.lengthLimit = maxAllocation < PickleInput.MAX_BUFFER ? maxAllocation : Long.MAX_VALUE;
        in.maxLine = maxAllocation;
    }

    /** Reads from a stream with {@code options}. */
    public Unpickler(InputStream in, UnpicklerOptions options) {
        this(new PickleInput(in), options, null);
    }

    /** Reads from a stream with {@code options} and the out-of-band buffers of protocol 5. */
    public Unpickler(InputStream in, UnpicklerOptions options, Iterable<PickleBuffer> buffers) {
        this(new PickleInput(in), options, buffers);
    }

    /**
     * Reads from a channel (a file: {@code Files.newByteChannel(path)}) from its current position, which
     * {@link #loadNext()} may take back to the start of a pickle to read it again. The caller closes
     * the channel; where it is left after a load is not defined (the Unpickler reads ahead).
     */
    public Unpickler(SeekableByteChannel channel, UnpicklerOptions options) throws IOException {
        this(new PickleInput(channel), options, null);
    }

    /** Reads from a byte array (not copied). */
    public Unpickler(byte[] data, UnpicklerOptions options) {
        this(new PickleInput(data, 0, data.length), options, null);
    }

    /** Reads from a byte array with out-of-band buffers. */
    public Unpickler(byte[] data, UnpicklerOptions options, Iterable<PickleBuffer> buffers) {
        this(new PickleInput(data, 0, data.length), options, buffers);
    }

    /**
     * Whether another pickle follows in the input: whether any byte is left (a damaged or truncated pickle
     * still says true; {@link #load()} then says what is wrong). At the end of a stream this asks the stream
     * again on each call, so a file that has grown since has a next pickle, as CPython's Unpickler reads one.
     *
     * <p>The stream is left where {@link #load()} leaves it (just after the last pickle's STOP) when it can go
     * back: a stream with mark/reset ({@link java.io.BufferedInputStream}, {@link java.io.ByteArrayInputStream})
     * or a {@link java.io.FileInputStream} on a regular file gets back what this read. Any other stream (a pipe,
     * a socket, {@code Files.newInputStream}) cannot be given a byte back: this reads the next pickle's first
     * byte from it and keeps it for the next {@code load()}, so a caller that reads the stream itself between
     * pickles should not call this there. A channel is read ahead anyway (see its constructor).
     */
    public boolean hasNext() throws IOException {
        return !in.atEndGivingBack();
    }

    /**
     * Forgets every memo entry, as {@code unpickler.memo.clear()} does in Python. The memo lives on
     * across {@link #load} calls, as in CPython's {@code Unpickler}, which is right for a stream that
     * one {@link Pickler} wrote with several dumps (its memo spans them too). A stream of pickles each
     * written with a fresh memo ({@code pickle.dump} or {@link Pickle#dump} called in a loop) numbers
     * each pickle's memo from 0 again: call this before each {@code load}, or read each pickle with
     * {@link #loadNext()} (as {@link Pickle#loadAll} does), which finds out which kind of stream it is.
     */
    public void clearMemo() {
        Arrays.fill(memo, 0, memo.length, null);
        sparseMemo = null;
        memoCount = 0;
        deferredSlots = null;
        keyGuards = null;
    }

    /**
     * Reads the next pickle of a stream of several, as CPython reads it whichever way the stream was
     * written; {@link UnpicklerOptions#streamMemo()} may say which way instead ({@code EACH_PICKLE}:
     * {@link #clearMemo()} then {@link #load()}; {@code ONE_PICKLER}: {@link #load()}). By default
     * ({@code AUTO}), first with an empty memo, as repeated {@code pickle.load} calls read pickles that
     * {@code pickle.dump} (or {@link Pickle#dump}) wrote one at a time, each numbering its memo from 0.
     * When that pickle refers to a memo entry it never defined, it is read again from its start with
     * the memo one CPython {@code Unpickler} would hold after the earlier pickles (their entries are
     * kept for this, up to {@code maxMemoEntries} and 64 MiB of values in all: beyond that only the last
     * pickle's are, and a pickle referring further back fails saying so), as that Unpickler reads a stream that one
     * {@code Pickler} wrote with several {@code dump} calls (whose memo spans them: a second dump of
     * an object already written is a memo reference). From then on the stream is taken to be of that
     * kind: the memo lives on into the next pickle, as in that Unpickler, and a pickle is read again
     * with an empty memo only when it refers to an entry that is not there.
     *
     * <p>A pickle read twice runs twice whatever reading it runs: the persistent loader is asked for
     * its ids again, registered classes are built and given their state again (the first reading's
     * objects are dropped); loaders and state hooks should not mind.
     *
     * <p>Reading again needs an input that can go back: a byte array or a channel. From a stream, a
     * pickle that refers to an earlier pickle's memo entries throws an {@link UnpicklingException}
     * saying so; read such a stream with {@link UnpicklerOptions.StreamMemo#ONE_PICKLER} (or {@link #load()}
     * and no {@link #clearMemo()}) when you know one Pickler wrote it. So does a pickle with out-of-band
     * buffers (they cannot be handed out twice).
     *
     * <p>When both readings fail, the failure of the one that got further into the pickle is thrown, the
     * other's suppressed in it: a damaged pickle of one Pickler's stream fails as CPython's Unpickler
     * reports it ("invalid load key"), not at the reference back the empty-memo reading could not resolve.
     * What the failed reading counted (bytes built for maxBytesRatio, stand-ins not yet built, inert names)
     * is taken back before the second.
     *
     * <p>What cannot be told apart: at protocols 4 and 5 a pickle numbers its memo entries by their
     * count ({@code MEMOIZE}), so a reference to an earlier pickle's entry may also be a valid
     * reference to one of the pickle's own. A second pickle of one Pickler that refers back only that
     * way reads as {@code pickle.load} reads it ({@code p.dump(x); p.dump([3, x])} reads back as
     * {@code [3, <itself>]}, as repeated {@code pickle.load} calls read it too); once a pickle has
     * shown the stream to be one Pickler's, a later pickle of {@code pickle.dump} that refers only to
     * entries the memo holds reads with that memo. At protocols 0 to 3 each entry's index is written,
     * and neither happens. A pickle that refers to an entry neither memo holds fails as {@link #load()}
     * fails with an empty memo.
     *
     * @throws UnpicklingException when the pickle is malformed, truncated or refused
     * @throws IOException when the source fails
     */
    public Object loadNext() throws IOException {
        UnpicklerOptions.StreamMemo mode = options.streamMemo();
        if (mode == UnpicklerOptions.StreamMemo.ONE_PICKLER) {
            return load();
        }
        if (mode == UnpicklerOptions.StreamMemo.EACH_PICKLE && memoCount > 0) {
            detachMemo(); // as clearMemo(), without going over a big memo's slots
        }
        if (memoCount == 0) { // nothing to fall back to: the first pickle, or one after a pickle without memo entries
            sparseMemo = null;
            deferredSlots = null;
            keyGuards = null;
            heldWeight = -1;
            return load();
        }
        long start = in.offset();
        long builtBefore = built;
        long unbuiltBefore = unbuilt; // stand-ins not yet built that the earlier memo holds (load() zeroes it for an empty memo)
        long inertBefore = inertNames;
        int inertListedBefore = inertGlobals == null ? 0 : inertGlobals.size();
        boolean moreInertBefore = moreInertGlobals;
        // outOfBand is not taken back for a second reading: only the persistent loader adds to it here
        // (no retry with out-of-band buffers), and it counts what it read once, the first time
        MemoState kept = sharedMemoStream ? null : detachMemo(); // the memo the first try does not use
        missingMemo = false;
        try {
            Object value = load();
            if (kept != null && keepEarlierEntries(kept)) {
                unbuilt = saturatingAdd(unbuilt, unbuiltBefore); // the earlier entries' stand-ins are held again
            }
            return value;
        } catch (BrineException first) {
            long firstReached = opOffset;
            // the two readings differ only in what the memo gives: a failure of any kind but a limit
            // (a wrong object fetched makes a later opcode fail) is worth the other reading
            boolean missing = missingMemo;
            missingMemo = false;
            if (first instanceof LimitExceededException || !in.canRewind() || buffers != null) {
                if (!missing) {
                    throw first;
                }
                // (never after a pickle read with the earlier memo: that took going back). Pickle.loadAll on a pipe
                // ends here too, so the advice names what works for its caller: saying which kind of stream it is
                throw new UnpicklingException("this pickle refers to a memo entry it never defined (" + first.getMessage()
                        + "): one Pickler may have written it after earlier ones, with several dump() calls sharing"
                        + " its memo; if so, read it with UnpicklerOptions.streamMemo(ONE_PICKLER) (or load() and no"
                        + " clearMemo()): loadNext finds that out by reading a pickle again, which needs a byte array or"
                        + " a regular file" + (buffers != null ? " and no out-of-band buffers" : "")
                        + ", not a stream or a pipe", start, null);
            }
            if (missing && earlierDropped) {
                throw new UnpicklingException("this pickle refers to a memo entry it never defined (" + first.getMessage()
                        + "), and loadNext did not keep all the earlier pickles' entries (at most "
                        + (KEPT_MEMO_WEIGHT >> 20) + " MiB of them, and none before a pickle that placed its entries"
                        + " both by PUT and by MEMOIZE); if one Pickler wrote the stream with several"
                        + " dump() calls, read it with UnpicklerOptions.streamMemo(ONE_PICKLER)", start, null);
            }
            in.rewind(start);
            // what the first reading counted is not counted twice: the second reads the same pickle again
            built = builtBefore;
            unbuilt = unbuiltBefore;
            forgetInertNamesAfter(inertBefore, inertListedBefore, moreInertBefore);
            if (kept == null) {
                detachMemo(); // this pickle has a memo of its own after all
            } else {
                restoreMemo(kept);
            }
            try {
                Object value = load();
                sharedMemoStream = kept != null;
                memoSpannedPickles |= sharedMemoStream;
                heldWeight = -1;
                return value;
            } catch (BrineException second) {
                return throwFurther(first, firstReached, second, opOffset);
            }
        }
    }

    /**
     * Throws the failure of the reading of a pickle that got further into it, the other one suppressed in
     * it: that reading had the memo the pickle was written with, and so met the fault of the pickle itself
     * (a damaged byte past a reference back, which the empty-memo reading never reached), where the other
     * stopped at a reference it could not resolve. The first when both stopped at one opcode.
     */
    private static Object throwFurther(BrineException first, long firstReached, BrineException second,
            long secondReached) throws BrineException {
        if (secondReached > firstReached) {
            second.addSuppressed(first);
            throw second;
        }
        first.addSuppressed(second);
        throw first;
    }

    /** Takes back what a reading of a pickle that is read again counted in {@link #inertNamesMet()} and listed. */
    private void forgetInertNamesAfter(long count, int listed, boolean more) {
        inertNames = count;
        moreInertGlobals = more;
        if (inertGlobals != null && inertGlobals.size() > listed) {
            Iterator<Global> it = inertGlobals.iterator();
            for (int i = 0; i < listed; i++) {
                it.next();
            }
            while (it.hasNext()) {
                it.next();
                it.remove();
            }
        }
    }

    /**
     * Whether {@link #loadNext()} found a pickle that refers to memo entries of the pickles before it:
     * the stream was written by one Pickler with several {@code dump} calls (write it back with one
     * {@link Pickler}, not clearing its memo, for a reader that reads it with one Unpickler). Only
     * {@link UnpicklerOptions.StreamMemo#AUTO} finds anything out.
     */
    public boolean memoSpannedPickles() {
        return memoSpannedPickles;
    }

    /**
     * How many times reading so far met a global that the registry does not resolve and kept it as an inert name
     * (with {@link UnpicklerOptions#genericObjects()}): each is a class or function Python's unpickler would import,
     * and call if the pickle calls it. Zero tells, without walking what was read, that nothing does.
     */
    public long inertNamesMet() {
        return inertNames;
    }

    /**
     * The distinct globals counted by {@link #inertNamesMet()}, in the order first met, at most
     * {@link InertGlobals#MAX_LISTED} (then {@link InertGlobals#more()} says others followed); a name read in
     * Python 2 form below protocol 3 is given as CPython's find_class maps it. These are every name met, also
     * those in parts of the input that no value read keeps (a call whose result the pickle pops, a tensor's
     * Python state that a checkpoint reader drops), which a walk of the values cannot find. A snapshot.
     */
    public InertGlobals inertGlobals() {
        return inertGlobals == null ? InertGlobals.NONE : new InertGlobals(List.copyOf(inertGlobals), moreInertGlobals);
    }


    /**
     * After a pickle read with a memo of its own: the memo one CPython Unpickler would now hold, {@code
     * earlier} (what it held before the pickle) with the pickle's entries where that Unpickler puts them.
     * Below protocol 4 PUT gives each entry's index (it replaces an earlier entry of that index); from
     * protocol 4 MEMOIZE numbers entries by the memo's count, so they follow the earlier ones (a PUT,
     * which CPython's pickler no longer writes there, still places its entry at its own index). A later
     * pickle that refers back to any earlier one then finds its entries. When the two together would be
     * more than {@code maxMemoEntries}, only the pickle's own are kept; so too after a pickle that placed
     * entries both ways, where each MEMOIZE's entry would have gone depends on which PUTs replaced
     * an earlier entry and which added one (no writer we know of mixes them). Says whether the earlier
     * entries were kept.
     */
    private boolean keepEarlierEntries(MemoState earlier) {
        long earlierWeight = heldWeight >= 0 ? heldWeight : memoWeight(earlier.memo, earlier.sparseMemo);
        long ownWeight = memoWeight(memo, sparseMemo);
        if ((long) earlier.memoCount + memoCount > maxMemo || earlierWeight + ownWeight > KEPT_MEMO_WEIGHT
                || (putByCount && putByIndex)) {
            heldWeight = ownWeight;
            earlierDropped = true;
            return false;
        }
        heldWeight = earlierWeight + ownWeight;
        MemoState own = detachMemo();
        restoreMemo(earlier);
        long shift = putByCount ? earlier.memoCount : 0;
        for (int i = 0; i < own.memo.length; i++) {
            if (own.memo[i] != null) {
                memoSet(i + shift, own.memo[i]);
            }
        }
        if (own.sparseMemo != null) {
            for (Map.Entry<Long, Object> e : own.sparseMemo.entrySet()) {
                memoSet(e.getKey() + shift, e.getValue());
            }
        }
        if (own.deferredSlots != null) {
            if (deferredSlots == null) {
                deferredSlots = new IdentityHashMap<>();
            }
            for (Map.Entry<Object, List<Long>> e : own.deferredSlots.entrySet()) {
                List<Long> slots = deferredSlots.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
                for (long slot : e.getValue()) {
                    slots.add(slot + shift);
                }
            }
        }
        if (own.keyGuards != null) {
            if (keyGuards == null) {
                keyGuards = new IdentityHashMap<>();
            }
            keyGuards.putAll(own.keyGuards);
        }
        return true;
    }

    /** {@link #memoPut}'s placing of an entry (already checked against maxMemoEntries), for {@link #keepEarlierEntries}. */
    private void memoSet(long index, Object stored) {
        if (index < memo.length) {
            if (memo[(int) index] == null) {
                memoCount++;
            }
            memo[(int) index] = stored;
        } else if (index < 2L * memoCount + 64 && index < Integer.MAX_VALUE - 8) {
            memo = Arrays.copyOf(memo, (int) Math.max(index + 1, Math.min(Integer.MAX_VALUE - 8, memo.length * 2L)));
            memoCount++;
            memo[(int) index] = stored;
        } else {
            if (sparseMemo == null) {
                sparseMemo = new HashMap<>();
            }
            if (sparseMemo.put(index, stored) == null) {
                memoCount++;
            }
        }
    }

    /**
     * The most {@link #loadNext()} keeps of earlier pickles' memo entries, by {@link #weight}, for a
     * later pickle that may refer back to them: a stream of {@code pickle.dump}'s pickles, read one at
     * a time and dropped (as {@code brine verify} does), then holds at most this much besides the
     * pickle being read, where keeping every entry held the whole stream.
     */
    private static final long KEPT_MEMO_WEIGHT = 64L << 20;
    private long heldWeight = -1; // weight of the memo entries held after the last loadNext; -1: not yet known
    private boolean earlierDropped; // loadNext dropped earlier pickles' entries past KEPT_MEMO_WEIGHT
    // how the pickle being read placed its memo entries (keepEarlierEntries): by index (PUT), by count (MEMOIZE)
    private boolean putByIndex;
    private boolean putByCount;

    private static long memoWeight(Object[] entries, Map<Long, Object> sparse) {
        long total = 0;
        for (Object v : entries) {
            if (v != null) {
                total = saturatingAdd(total, weight(v));
            }
        }
        if (sparse != null) {
            for (Object v : sparse.values()) {
                total = saturatingAdd(total, weight(v));
            }
        }
        return total;
    }

    /** The memo set aside by {@link #detachMemo}. */
    private record MemoState(Object[] memo, Map<Long, Object> sparseMemo, int memoCount,
            Map<Object, List<Long>> deferredSlots, IdentityHashMap<Object, KeyGuard> keyGuards) {
    }

    /** Takes the memo out, leaving an empty one. */
    private MemoState detachMemo() {
        MemoState kept = new MemoState(memo, sparseMemo, memoCount, deferredSlots, keyGuards);
        memo = new Object[32];
        sparseMemo = null;
        memoCount = 0;
        deferredSlots = null;
        keyGuards = null;
        return kept;
    }

    private void restoreMemo(MemoState kept) {
        memo = kept.memo;
        sparseMemo = kept.sparseMemo;
        memoCount = kept.memoCount;
        deferredSlots = kept.deferredSlots;
        keyGuards = kept.keyGuards;
    }

    /**
     * The byte offset reached in the input (after a load: just after its STOP), counted as the offsets in
     * this Unpickler's error messages are: from the start of a byte array or the channel, or from where a
     * stream was when this Unpickler was made, counting every byte this Unpickler took from it (not those the
     * caller read or skipped between loads). So a pickle read by a fresh Unpickler, as {@link Pickle#load}
     * makes, has offsets from its own first byte.
     */
    public long offset() {
        return in.offset();
    }

    /**
     * Reads one pickle and returns the object it holds.
     *
     * @throws EndOfPicklesException when no byte of a pickle is left: the end of the input, as CPython's
     *     EOFError (a later call asks a stream again)
     * @throws UnpicklingException when the pickle is malformed, truncated or refused
     * @throws IOException when the source fails
     */
    public Object load() throws IOException {
        sp = 0;
        markCount = 0;
        fence = 0;
        protocol = 0; // the memo lives on across loads, as in CPython's Unpickler
        putByIndex = false;
        putByCount = false;
        standIns = null; // a stand-in out in an earlier pickle is out again only when fetched again
        deferredAt = null; // stack slots of an earlier load
        handedOutHere = false;
        if (memoCount == 0) {
            unbuilt = 0; // no memo entry can hold one
        }
        if (in.atEnd()) {
            throw new EndOfPicklesException(in.offset());
        }
        try {
            while (true) {
                opOffset = in.offset();
                opCode = NO_OPCODE;
                int code;
                try {
                    code = in.readOpcode();
                } catch (UnpicklingException e) {
                    throw new UnpicklingException("pickle data was truncated: it ends before STOP", opOffset, null);
                }
                opCode = code;
                // the hottest opcodes, switched on the byte itself before the enum lookup and the
                // enum switch in dispatch(); each case does what dispatch() does for it. Measured
                // (brine-bench, interleaved A/B, best CPU): ints_1m loads 14.1 -> 12.1 ms, floats_1m
                // 12.4 -> 9.2 ms, records_200k 104 -> 99 ms
                // (the enum switch costs an extra table load and a call per opcode into dispatch(),
                // which is too big to inline)
                // A case may read the opcode the pickler writes after its own (see memoizeIfNext).
                switch (code) {
                    case 'K' -> {
                        push(SMALL_INTS[in.readByte()]);
                        continue;
                    }
                    case 'M' -> {
                        push((long) in.readUInt16());
                        continue;
                    }
                    case 'J' -> {
                        push((long) in.readInt32());
                        getIfNext();
                        continue;
                    }
                    case 'G' -> {
                        push(in.readFloat64BigEndian());
                        getIfNext();
                        continue;
                    }
                    case 0x8c -> {
                        push(in.readUtf8(length(in.readByte())));
                        memoizeIfNext();
                        continue;
                    }
                    case 0x94 -> {
                        memoize();
                        continue;
                    }
                    case 'h' -> {
                        push(memoGet(in.readByte()));
                        continue;
                    }
                    case '(' -> {
                        loadMark();
                        continue;
                    }
                    case '}' -> {
                        push(new LinkedHashMap<>());
                        memoizeIfNext();
                        continue;
                    }
                    case ']' -> {
                        push(emptyList());
                        memoizeIfNext();
                        continue;
                    }
                    case 'u' -> {
                        loadSetItems();
                        continue;
                    }
                    case 'e' -> {
                        loadAppends();
                        getIfNext();
                        continue;
                    }
                    default -> {
                    }
                }
                Opcode op = Opcode.of(code);
                if (op == null) {
                    throw new UnpicklingException(String.format("invalid load key, '\\x%02x'", code), opOffset, null);
                }
                if (op == Opcode.STOP) {
                    Object value = finished(pop());
                    in.finishPickle();
                    sp = 0;
                    return value;
                }
                dispatch(op);
            }
        } catch (UnpicklingException e) {
            if ((e.opcode() == null && op() != null) || e.offset() < 0) {
                throw e.atOpcode(opOffset, opName()); // from PickleInput or an argument decoder
            }
            throw e;
        } catch (LimitExceededException e) {
            throw e;
        } catch (BrineException e) {
            UnpicklingException wrapped = new UnpicklingException(e.getMessage(), opOffset, opName());
            wrapped.initCause(e);
            throw wrapped;
        } catch (OutOfMemoryError e) {
            throw outgrewHeap();
        } catch (StackOverflowError e) {
            // reading is iterative, but Java's hashCode/equals recurse (a dict key or set element nested
            // deeper than the thread's stack: a tuple in a tuple in ...), and so may a registered callable
            throw new UnpicklingException("a value is nested too deeply for this thread's stack (hashing a dict key or"
                    + " set element, or in a registered callable)",
                    opOffset, opName());
        } catch (RuntimeException e) {
            // a safety net: no raw runtime exception escapes, whatever the input
            UnpicklingException wrapped = new UnpicklingException("malformed pickle (" + e + ")", opOffset,
                    opName());
            wrapped.initCause(e);
            throw wrapped;
        }
    }

    /**
     * The refusal of a pickle whose values (a list of millions of items, the stack, the memo) outgrew the heap: the
     * input's refusal, not the JVM's error, as for an argument that outgrows it ({@code PickleInput.tooBigForHeap}).
     * What this unpickler holds is dropped first, so the caller gets the heap back whatever it keeps; the memo, which
     * a later load of the same stream would need, goes too.
     */
    private UnpicklingException outgrewHeap() {
        long at = opOffset;
        String name = opName();
        stack = new Object[Math.min(32, maxStack)];
        sp = 0;
        markCount = 0;
        fence = 0;
        standIns = null;
        deferredAt = null;
        detachMemo();
        return new UnpicklingException("the values this pickle builds outgrew the Java heap ("
                + Runtime.getRuntime().maxMemory() + " bytes at most): a pickle to read with a bigger heap (-Xmx)",
                at, name);
    }

    /** The opcode being read, or null while its byte is read (or when the byte is no opcode). */
    private Opcode op() {
        return opCode == NO_OPCODE ? null : Opcode.of(opCode);
    }

    private String opName() {
        Opcode op = op();
        return op == null ? null : op.name();
    }

    private void dispatch(Opcode op) throws IOException {
        switch (op) {
            case PROTO -> loadProto();
            case FRAME -> loadFrame();
            case POP -> loadPop();
            case DUP -> push(handedOut(top()));
            case MARK -> loadMark();
            case POP_MARK -> popMarkRaw(); // discarded: nothing of it is used
            case NONE -> push(null);
            case NEWTRUE -> push(Boolean.TRUE);
            case NEWFALSE -> push(Boolean.FALSE);
            case INT -> loadInt();
            case BININT -> push((long) in.readInt32());
            case BININT1 -> push(SMALL_INTS[in.readByte()]);
            case BININT2 -> push((long) in.readUInt16());
            case LONG -> loadLong();
            case LONG1 -> push(decodeLong(in.readBytes(length(in.readByte()))));
            case LONG4 -> push(decodeLong(in.readBytes(length(in.readInt32()))));
            case FLOAT -> loadFloat();
            case BINFLOAT -> push(in.readFloat64BigEndian());
            case STRING -> loadString();
            case BINSTRING -> push(py2String(in.readBytes(length(in.readInt32()))));
            case SHORT_BINSTRING -> push(py2String(in.readBytes(length(in.readByte()))));
            case BINBYTES -> push(in.readBytes(length(in.readUInt32())));
            case SHORT_BINBYTES -> push(in.readBytes(length(in.readByte())));
            case BINBYTES8 -> push(in.readBytes(length64(in.readInt64())));
            case BYTEARRAY8 -> push(ByteArray.wrap(in.readBytes(length64(in.readInt64()))));
            case NEXT_BUFFER -> loadNextBuffer();
            case READONLY_BUFFER -> loadReadonlyBuffer();
            case UNICODE -> push(RawUnicodeEscape.decode(line()));
            case SHORT_BINUNICODE -> push(in.readUtf8(length(in.readByte())));
            case BINUNICODE -> push(in.readUtf8(length(in.readUInt32())));
            case BINUNICODE8 -> push(in.readUtf8(length64(in.readInt64())));
            case EMPTY_LIST -> push(emptyList());
            case APPEND -> loadAppend();
            case APPENDS -> loadAppends();
            case LIST -> push(madeWhole(new ArrayList<>(Arrays.asList(popMark()))));
            case EMPTY_TUPLE -> push(Tuple.empty());
            case TUPLE -> push(tuple(popMarkRaw()));
            case TUPLE1 -> loadTupleN(1);
            case TUPLE2 -> loadTupleN(2);
            case TUPLE3 -> loadTupleN(3);
            case EMPTY_DICT -> push(new LinkedHashMap<>());
            case DICT -> loadDict();
            case SETITEM -> loadSetItem();
            case SETITEMS -> loadSetItems();
            case EMPTY_SET -> push(new LinkedHashSet<>());
            case ADDITEMS -> loadAddItems();
            case FROZENSET -> push(KeyGuard.newFrozenSet(hashables(popMark())));
            case GET -> push(memoGet(decimalIndex(line())));
            case BINGET -> push(memoGet(in.readByte()));
            case LONG_BINGET -> push(memoGet(in.readUInt32()));
            case PUT -> memoPutAt(decimalIndex(line()));
            case BINPUT -> memoPutAt(in.readByte());
            case LONG_BINPUT -> memoPutAt(in.readUInt32());
            case MEMOIZE -> memoize();
            case EXT1 -> loadExt(in.readByte());
            case EXT2 -> loadExt(in.readUInt16());
            case EXT4 -> loadExt(in.readInt32());
            case GLOBAL -> loadGlobal();
            case STACK_GLOBAL -> loadStackGlobal();
            case REDUCE -> loadReduce();
            case BUILD -> loadBuild();
            case INST -> loadInst();
            case OBJ -> loadObj();
            case NEWOBJ -> loadNewObj();
            case NEWOBJ_EX -> loadNewObjEx();
            case PERSID -> loadPersistent(asciiLine());
            case BINPERSID -> loadPersistent(pop());
            default -> throw fail("unhandled opcode"); // STOP is handled by the loop
        }
    }

    // ---- machine control and stack -------------------------------------------------------

    private void loadProto() throws IOException {
        int p = in.readByte();
        if (p > Opcode.HIGHEST_PROTOCOL) {
            throw fail("unsupported pickle protocol: " + p);
        }
        protocol = p;
    }

    private void loadFrame() throws IOException {
        long length = in.readInt64();
        if (length < 0) {
            throw fail("frame length out of range");
        }
        in.startFrame(length, opOffset);
    }

    private void loadPop() throws BrineException {
        if (lastCall != null) {
            noteStateSetter();
        }
        if (sp > fence) {
            stack[--sp] = null;
        } else if (markCount > 0) {
            popMarkRaw(); // like CPython: POP on an empty mark frame discards the MARK
        } else {
            throw underflow();
        }
    }

    private void loadMark() throws BrineException {
        if (markCount == maxDepth) {
            throw new LimitExceededException("maxDepth", "more than " + maxDepth + " nested MARKs at offset " + opOffset);
        }
        if (markCount == marks.length) {
            marks = Arrays.copyOf(marks, marks.length * 2);
        }
        marks[markCount++] = sp;
        fence = sp;
    }

    private Object[] popMark() throws BrineException {
        Object[] items = popMarkRaw();
        return checkedAll(items, 0, items.length);
    }

    /** {@link #popMark} for the opcodes that may see a {@link Pending}: TUPLE and discarding ones. */
    private Object[] popMarkRaw() throws BrineException {
        int start = popMarkInPlace();
        if (sp == start) {
            return NO_ITEMS;
        }
        Object[] items = Arrays.copyOfRange(stack, start, sp);
        dropFrom(start);
        return items;
    }

    /**
     * Pops the topmost MARK but leaves its items where they are, {@code stack[start..sp)}, for an
     * opcode that only walks them (SETITEMS): no array per dict. The caller drops them with
     * {@link #dropFrom}. records_200k loads 40.8 / 41.2 → 40.3 / 40.3 ms (AbCompare, two runs).
     * APPENDS keeps popMark: an ArrayList takes a batch fastest from an array of its own.
     */
    private int popMarkInPlace() throws BrineException {
        if (markCount == 0) {
            throw fail("could not find MARK");
        }
        int start = marks[--markCount];
        fence = markCount > 0 ? marks[markCount - 1] : 0;
        return start;
    }

    private void dropFrom(int start) {
        Arrays.fill(stack, start, sp, null);
        sp = start;
    }

    /** The value under the items that start at {@code start} (what top() is once they are dropped). */
    private Object below(int start) throws BrineException {
        if (start <= fence) {
            throw underflow();
        }
        return checked(stack[start - 1]);
    }

    private void push(Object value) throws BrineException {
        if (sp == stack.length) {
            if (sp >= maxStack) {
                throw new LimitExceededException("maxStackSize", "more than " + maxStack + " values on the stack at offset "
                        + opOffset);
            }
            stack = Arrays.copyOf(stack, (int) Math.min((long) maxStack, stack.length * 2L));
        }
        stack[sp++] = value;
    }

    private Object pop() throws BrineException {
        return checked(popRaw());
    }

    /** {@link #pop} for REDUCE, which may see a {@link Pending} (getattr(Outer, 'Inner')). */
    private Object popRaw() throws BrineException {
        if (sp <= fence) {
            throw underflow();
        }
        Object v = stack[--sp];
        stack[sp] = null;
        return v;
    }

    private Object top() throws BrineException {
        return checked(topRaw());
    }

    /** {@link #top} for the memo, which may keep a {@link Pending}. */
    private Object topRaw() throws BrineException {
        if (sp <= fence) {
            throw underflow();
        }
        return stack[sp - 1];
    }

    // ---- numbers and strings ----------------------------------------------------------------

    /** INT: read as CPython's C unpickler reads it (see {@link TextInts}), False/True for 00/01. */
    private void loadInt() throws IOException {
        push(textInt(line(), "INT"));
    }

    /** LONG: an optional trailing L, then Python's int(text, 0). */
    private void loadLong() throws IOException {
        push(textInt(line(), "LONG"));
    }

    private Object textInt(String line, String what) throws BrineException {
        Object v;
        try {
            v = what.equals("INT") ? TextInts.parseInt(line, options.limits().maxIntDigits())
                    : TextInts.parseLong(line, options.limits().maxIntDigits());
        } catch (LimitExceededException e) {
            throw e.withContext(what + " at offset " + opOffset);
        }
        if (v == null) {
            throw fail("invalid literal for " + what + ": '" + abbreviate(line) + "' is not an integer CPython reads");
        }
        return v instanceof BigInteger ? narrow((BigInteger) v) : v;
    }

    /** Long when the value fits in 64 bits, else BigInteger: the contract for Python ints. */
    static Object narrow(BigInteger v) {
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
    }

    /** LONG1/LONG4 payloads: little-endian two's complement, empty for zero. */
    private static Object decodeLong(byte[] le) {
        if (le.length == 0) {
            return 0L;
        }
        if (le.length <= 8) {
            long v = le[le.length - 1]; // sign-extends
            for (int i = le.length - 2; i >= 0; i--) {
                v = (v << 8) | (le[i] & 0xff);
            }
            return v;
        }
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return narrow(new BigInteger(be));
    }

    /**
     * As CPython's C reader ({@code PyOS_string_to_double}), which is stricter than {@code float()}:
     * no whitespace around the literal, and a finite literal beyond the doubles is an error. It reads
     * the line as a C string, up to a NUL if there is one (its strtod stops there, and the reader
     * accepts the literal ending at a NUL as at the newline).
     */
    private void loadFloat() throws IOException {
        String line = TextInts.cString(line());
        if (line.strip().length() != line.length()) {
            throw notAFloat(line);
        }
        double v;
        try {
            v = dev.brine.py.PyFloat.parse(line);
        } catch (NumberFormatException e) {
            throw notAFloat(line);
        }
        if (Double.isInfinite(v) && !line.toLowerCase(java.util.Locale.ROOT).contains("inf")) {
            throw fail("value too large to convert to float: '" + abbreviate(line) + "'");
        }
        push(v);
    }

    private UnpicklingException notAFloat(String line) {
        return fail("could not convert string to float: '" + abbreviate(line) + "'");
    }

    private void loadString() throws IOException {
        String line = line();
        byte[] raw = Py2StringLiteral.decode(line);
        if (raw == null) {
            throw fail("the STRING opcode argument must be quoted and its escapes valid: " + abbreviate(line));
        }
        push(py2String(raw));
    }

    private Object py2String(byte[] raw) throws BrineException {
        switch (options.py2Strings()) {
            case BYTES:
                return raw;
            case LATIN1:
                return new String(raw, StandardCharsets.ISO_8859_1);
            default:
                for (byte b : raw) {
                    if (b < 0) {
                        throw fail("a Python 2 str holds non-ASCII bytes; read with py2Strings(LATIN1) or BYTES");
                    }
                }
                return new String(raw, StandardCharsets.ISO_8859_1);
        }
    }

    /** A signed 4-byte length (BINSTRING, LONG4): negative is malformed, as in CPython. */
    private long length(int declared) throws BrineException {
        if (declared < 0) {
            throw fail(op().name() + " pickle has negative byte count");
        }
        return length((long) declared);
    }

    /**
     * An unsigned 1- or 4-byte length: the bytes are read into memory, so Limits.maxAllocation
     * bounds them as it does an 8-byte length (see {@link #lengthLimit} for the default).
     */
    private long length(long declared) throws LimitExceededException {
        if (declared > lengthLimit) {
            throw tooLarge(declared);
        }
        return declared;
    }

    private long length64(long declared) throws BrineException {
        if (declared < 0 || declared > maxAllocation) {
            if (declared >= 0) {
                throw tooLarge(declared);
            }
            throw fail(op().name() + " exceeds the maximum size");
        }
        return declared;
    }

    private LimitExceededException tooLarge(long declared) {
        return new LimitExceededException("maxAllocation", op().name() + " declares " + declared
                + " bytes at offset " + opOffset + ", more than the " + maxAllocation + " allowed");
    }

    /** Reads a text line (protocol 0's arguments), saying which opcode's when it is too long. */
    private String line() throws IOException {
        try {
            return in.readLine();
        } catch (LimitExceededException e) {
            throw e.withContext(opName() + " at offset " + opOffset);
        }
    }

    private String asciiLine() throws IOException {
        String line = line();
        for (int i = 0; i < line.length(); i++) {
            if (line.charAt(i) > 0x7f) {
                throw fail("persistent IDs in protocol 0 must be ASCII strings");
            }
        }
        return line;
    }

    // ---- out-of-band buffers ------------------------------------------------------------------

    private void loadNextBuffer() throws BrineException {
        if (buffers == null) {
            throw fail("pickle stream refers to out-of-band data but no buffers were given");
        }
        if (!buffers.hasNext()) {
            throw fail("not enough out-of-band buffers");
        }
        PickleBuffer buffer = buffers.next();
        outOfBand = saturatingAdd(outOfBand, buffer.size());
        push(buffer);
    }

    private void loadReadonlyBuffer() throws BrineException {
        Object top = pop();
        if (top instanceof PickleBuffer) {
            PickleBuffer b = (PickleBuffer) top;
            push(b.isReadOnly() ? b : new PickleBuffer(b.data(), true));
        } else if (top instanceof byte[]) {
            push(top); // bytes are read-only already: CPython leaves the very object (and its memo identity) there
        } else if (top instanceof ByteArray) {
            push(new PickleBuffer(ByteBuffer.wrap(((ByteArray) top).array()), true));
        } else {
            throw fail("READONLY_BUFFER needs a buffer on the stack, found " + PythonTypeNames.of(top));
        }
    }

    // ---- containers -----------------------------------------------------------------------------

    private void loadTupleN(int n) throws BrineException {
        if (sp - n < fence) {
            throw underflow();
        }
        Object[] items = Arrays.copyOfRange(stack, sp - n, sp);
        Arrays.fill(stack, sp - n, sp, null);
        sp -= n;
        push(tuple(items));
    }

    /** A tuple of {@code items}, or getattr's pending arguments when one of them is a {@link Pending}. */
    private Object tuple(Object[] items) throws BrineException {
        if (pendingMade) {
            for (Object item : items) {
                if (item instanceof Pending) {
                    return getattrArguments(items, (Pending) item);
                }
            }
        }
        Tuple t = TupleAccess.adopt(items);
        if (standIns != null) {
            standIns.tupleMade(t);
        }
        return t;
    }

    private void loadAppend() throws BrineException {
        Object value = pop();
        appendTo(took(top(), value), value);
    }

    private void loadAppends() throws BrineException {
        int start = popMarkInPlace();
        checkedAll(stack, start, sp);
        Object target = below(start);
        if (standIns != null) {
            standIns.tookEach(target, stack, start, sp, 1);
        }
        int n = sp - start;
        if (target instanceof ArrayList && n <= SMALL_APPENDS) {
            // a record's few items straight from the stack: no array of them, and a list that was
            // empty gets room for exactly these (see EMPTY_LIST)
            ArrayList<Object> list = cast(target);
            list.ensureCapacity(list.size() + n);
            for (int i = start; i < sp; i++) {
                list.add(stack[i]);
            }
            dropFrom(start);
            return;
        }
        Object[] items = n == 0 ? NO_ITEMS : Arrays.copyOfRange(stack, start, sp);
        dropFrom(start);
        if (target instanceof ArrayList) { // a long batch: an ArrayList takes it fastest from an array of its own
            ArrayList<Object> list = cast(target);
            list.ensureCapacity(list.size() + items.length);
            list.addAll(Arrays.asList(items));
            return;
        }
        if (target instanceof ByteArray) {
            extendByteArray((ByteArray) target, items);
            return;
        }
        for (Object item : items) {
            appendTo(target, item);
        }
    }

    /**
     * APPEND(S) onto a bytearray: CPython calls its {@code extend}, which takes ints in range(256).
     * The bytearray grows with spare capacity (amortized linear over any run of appends), and only the
     * bytes added are charged against maxBytesRatio: what the bytearray holds, not what growing it copied.
     */
    private void extendByteArray(ByteArray target, Object[] items) throws BrineException {
        if (items.length > ByteArrayAccess.maxSize() - target.size()) {
            throw new LimitExceededException("maxAllocation", "a bytearray of more than " + ByteArrayAccess.maxSize()
                    + " bytes at offset " + opOffset);
        }
        byte[] added = new byte[items.length];
        for (int i = 0; i < items.length; i++) {
            added[i] = byteItem(items[i]);
        }
        ByteArrayAccess.append(target, added, 0, added.length);
        chargeWeight(added.length);
    }

    /** An item appended to a bytearray: an int (or bool) in range(256), as {@code bytearray.extend} takes. */
    private byte byteItem(Object item) throws UnpicklingException {
        Object v = item instanceof Boolean ? (Object) ((Boolean) item ? 1L : 0L) : item;
        if (!(v instanceof Long || v instanceof BigInteger)) {
            throw fail("'" + PythonTypeNames.of(v) + "' object cannot be interpreted as an integer (appending to a bytearray)");
        }
        if (!(v instanceof Long) || (Long) v < 0 || (Long) v > 255) {
            throw fail("byte must be in range(0, 256), got " + v + " (appending to a bytearray)");
        }
        return (byte) (long) (Long) v;
    }

    /**
     * EMPTY_LIST's list: with no room yet, so that the APPEND(S) that fill it give it room for
     * their items only, where {@code new ArrayList<>()} makes room for ten at the first append (a
     * record's list of two ints held 56 bytes of array instead of 24).
     */
    private static ArrayList<Object> emptyList() {
        return new ArrayList<>(0);
    }

    /** Up to this many APPENDS items are added one by one from the stack; more go through an array. */
    private static final int SMALL_APPENDS = 16;

    /**
     * The values of BININT1 (0 to 255), boxed once: its case takes one without allocating, and without
     * {@code Long.valueOf}'s test for its own cache (-128 to 127), which on bytes spread over 0-255
     * mispredicts every other time. ints_1m loads (a third of them BININT1) 9.7 -> 7.9 ms best, in
     * three interleaved runs (Intel Xeon, twenty-second session; see BENCHMARKS). Never written after
     * the class is initialized: immutable values, as the JDK's own cache of small Longs.
     */
    private static final Long[] SMALL_INTS = new Long[256];

    static {
        for (int i = 0; i < SMALL_INTS.length; i++) {
            SMALL_INTS[i] = (long) i;
        }
    }

    private void appendTo(Object target, Object value) throws BrineException {
        if (target instanceof ByteArray) {
            extendByteArray((ByteArray) target, new Object[] {value});
        } else if (target instanceof List) {
            List<Object> list = cast(target);
            list.add(value);
        } else if (target instanceof GenericObject && !isBuiltinStandIn(target)) {
            ((GenericObject) target).listItems().add(value);
        } else {
            throw fail("cannot append to " + PythonTypeNames.of(target));
        }
    }

    private void loadDict() throws BrineException {
        Object[] items = popMark();
        if ((items.length & 1) != 0) {
            throw fail("odd number of items for DICT");
        }
        Map<Object, Object> dict = new LinkedHashMap<>(Math.max(16, items.length));
        KeyGuard guard = items.length / 2 < KeyGuard.MIN_KEYS ? null : KeyGuard.forDict(dict.keySet());
        for (int i = 0; i < items.length; i += 2) {
            if (guard == null) {
                dict.put(hashable(items[i]), items[i + 1]);
            } else {
                guard.put(dict, hashable(items[i]), items[i + 1]);
            }
        }
        push(madeWhole(dict));
    }

    private void loadSetItem() throws BrineException {
        Object value = pop();
        Object key = pop();
        setItem(took(top(), value), key, value);
    }

    private void loadSetItems() throws BrineException {
        int start = popMarkInPlace();
        if (((sp - start) & 1) != 0) {
            throw fail("odd number of items for SETITEMS");
        }
        Object target = below(start);
        if (standIns != null) {
            standIns.tookEach(target, stack, start + 1, sp, 2);
        }
        checkedAll(stack, start, sp);
        if (sp > start) {
            Map<Object, Object> map = itemsOf(target);
            KeyGuard guard = map.size() + (sp - start) / 2 < KeyGuard.MIN_KEYS ? null : guardOf(map, map.keySet());
            for (int i = start; i < sp; i += 2) {
                if (guard == null) {
                    map.put(hashable(stack[i]), stack[i + 1]);
                } else {
                    guard.put(map, hashable(stack[i]), stack[i + 1]);
                }
            }
        }
        dropFrom(start);
    }

    private void setItem(Object target, Object key, Object value) throws BrineException {
        Map<Object, Object> map = itemsOf(target);
        KeyGuard guard = map.size() + 1 < KeyGuard.MIN_KEYS ? null : guardOf(map, map.keySet());
        if (guard == null) {
            map.put(hashable(key), value);
        } else {
            guard.put(map, hashable(key), value);
        }
    }

    /** The dict that SETITEM(S) fill: a dict's own, or a generic object's items (a dict subclass's). */
    private Map<Object, Object> itemsOf(Object target) throws BrineException {
        if (target instanceof Map) {
            return cast(target);
        }
        if (target instanceof GenericObject && !isBuiltinStandIn(target)) {
            return ((GenericObject) target).dictItems();
        }
        throw fail("cannot set items on " + PythonTypeNames.of(target));
    }

    /**
     * A value of a builtin type that strict reading keeps as an inert generic object because Java cannot hold it: a
     * bare {@code object()} (see {@link ArgumentOnlyClass}), a {@code Decimal} NaN, infinity or negative zero, a named
     * {@code timezone}, a {@code datetime} or {@code time} in a zone Brine keeps inert. Python gives none of them a
     * {@code __dict__}, an {@code append} or a {@code __setitem__}, so CPython refuses a state or items on them, and
     * so does Brine. Read generically each is a generic object like any other, which keeps whatever the pickle gives it.
     */
    private boolean isBuiltinStandIn(Object target) {
        return !options.genericObjects() && target instanceof GenericObject
                && BUILTIN_STAND_INS.contains(((GenericObject) target).callable());
    }

    /** The callables of {@link #isBuiltinStandIn}'s values. */
    private static final Set<Global> BUILTIN_STAND_INS = Set.of(new Global("builtins", "object"),
            new Global("decimal", "Decimal"), new Global("datetime", "timezone"), new Global("datetime", "datetime"),
            new Global("datetime", "time"));

    /**
     * The guard against keys chosen to collide for a dict or set (of {@code keys}) that has grown to
     * {@link KeyGuard#MIN_KEYS}; see {@link KeyGuard}. Made once per collection and kept, so that a dict
     * filled by a thousand SETITEMS is looked over once, not per batch.
     */
    private KeyGuard guardOf(Object target, Collection<?> keys) {
        if (keyGuards == null) {
            keyGuards = new IdentityHashMap<>();
        }
        KeyGuard guard = keyGuards.get(target);
        if (guard == null) {
            guard = target instanceof Set ? KeyGuard.forSet(keys) : KeyGuard.forDict(keys);
            keyGuards.put(target, guard);
        }
        return guard;
    }

    private void loadAddItems() throws BrineException {
        Object[] items = popMark();
        Object target = top();
        if (items.length == 0) {
            return; // CPython's load_additems adds nothing, to whatever is there (as APPENDS and SETITEMS do)
        }
        if (!(target instanceof Set) || target instanceof FrozenSet) {
            throw fail("cannot add items to " + PythonTypeNames.of(target));
        }
        Set<Object> set = cast(target);
        KeyGuard guard = set.size() + items.length < KeyGuard.MIN_KEYS ? null : guardOf(set, set);
        for (Object item : items) {
            if (guard == null) {
                set.add(hashable(item));
            } else {
                guard.add(set, hashable(item));
            }
        }
    }

    /**
     * Python refuses mutable keys and set elements, also inside a tuple or frozenset; so do we (their Java
     * hash codes change as they change, and a cycle through one would never finish hashing). Iterative:
     * keys may nest deeply.
     */
    private Object hashable(Object key) throws BrineException {
        if (standIns != null && standIns.holdsStandIn(key)) {
            throw fail("a dict key or set item holds an object fetched by " + standIns.handedOutBy(key)
                    + " before BUILD gave it its state (an object that holds itself, as a numpy array may); Brine"
                    + " cannot finish it inside a key, and CPython refuses such a key too when the object is an array"
                    + " (unhashable type: 'numpy.ndarray')");
        }
        dev.brine.py.Hashing.requireHashable(key);
        return key;
    }

    private List<Object> hashables(Object[] items) throws BrineException {
        for (Object item : items) {
            hashable(item);
        }
        return Arrays.asList(items);
    }

    // ---- memo ---------------------------------------------------------------------------------

    /**
     * GET and PUT's memo index, read as CPython's C unpickler reads it (see {@link TextInts#parseMemoIndex}):
     * beyond a C ssize_t it is refused (OverflowError), and a negative one is refused by PUT and found by no GET.
     */
    private long decimalIndex(String line) throws BrineException {
        Object v;
        try {
            v = TextInts.parseMemoIndex(line, options.limits().maxIntDigits());
        } catch (LimitExceededException e) {
            throw e.withContext(op().name() + " at offset " + opOffset);
        }
        if (v == null) {
            throw fail("memo index is not a decimal integer: '" + abbreviate(line) + "'");
        }
        if (!(v instanceof Long)) {
            throw fail("memo index " + abbreviate(line) + " is too large for a C ssize_t");
        }
        long index = (Long) v;
        if (index < 0) {
            throw fail(op() == Opcode.PUT ? "negative PUT argument" : "memo value not found at index " + index);
        }
        return index;
    }

    private Object memoGet(long index) throws BrineException {
        Object v;
        if (index < memo.length) {
            v = memo[(int) index];
            if (v != null) {
                // deferredSlots holds something only while a memoized stand-in awaits its BUILD: the one test
                // other pickles pay (the map is kept once made: a new one per numpy array cost 10% of their loads)
                return v == NullMarker.NULL ? null : deferredSlots == null || deferredSlots.isEmpty() ? v : fetched(v);
            }
        }
        if (sparseMemo != null && (v = sparseMemo.get(index)) != null) {
            return v == NullMarker.NULL ? null : deferredSlots == null ? v : fetched(v);
        }
        missingMemo = true; // see loadNext
        throw fail("memo value not found at index " + index);
    }

    // ---- opcodes read in pairs ----------------------------------------------------------------
    //
    // The pickler writes some opcodes almost always right after others: the MEMOIZE (BINPUT below
    // protocol 4) of each new str, dict and list, and, in a list of dicts that share their keys, the
    // BINGET of the next key after a value. Reading the second one in the first one's step, behind
    // a test of its byte, skips a trip through load()'s switch, whose one indirect jump the CPU
    // mispredicts often when opcodes alternate (about 6 ns a trip here). The paired opcode is read
    // exactly as the loop reads it: its offset and byte are noted first (for messages), and when it
    // is not wholly in the buffer and frame, or is not there at all, the loop reads it next.
    // Measured (AbCompare, best of 10/20, one JVM): records_2m loads 416.6 -> 365.2 ms (the MEMOIZE
    // pairs alone 380.4; records_200k with them 42.5 -> 40.3), strings_300k 8.76 -> 8.09 ms; ints and
    // floats unchanged (BENCHMARKS.md, "Eighteenth session"). Pairing MARK after a new container's
    // MEMOIZE, or a BINGET after a string, measured no gain and is not done.

    /** Reads the MEMOIZE or BINPUT that follows the new object just pushed, if it does. */
    private void memoizeIfNext() throws IOException {
        long at = in.offset();
        if (in.skipIfNext(0x94)) { // MEMOIZE
            opOffset = at;
            opCode = 0x94;
            memoize();
        } else if (in.skipIfNext('q')) { // BINPUT
            opOffset = at;
            opCode = 'q';
            memoPutAt(in.readByte());
        }
    }

    /** Reads the BINGET that follows the value just pushed (a dict's next key, fetched from the memo), if it does. */
    private void getIfNext() throws IOException {
        long at = in.offset();
        if (in.skipIfNext('h')) {
            opOffset = at;
            opCode = 'h';
            push(memoGet(in.readByte()));
        }
    }

    /** MEMOIZE: the next entry by the memo's count. */
    private void memoize() throws BrineException {
        putByCount = true;
        memoPut(memoCount);
    }

    /** PUT, BINPUT, LONG_BINPUT: an entry at the index the pickle gives. */
    private void memoPutAt(long index) throws BrineException {
        putByIndex = true;
        memoPut(index);
    }

    private void memoPut(long index) throws BrineException {
        Object value = topRaw(); // the memo is never handed out: a Pending stays one when fetched (see checked)
        if (deferredMade && value instanceof Deferred) {
            if (deferredSlots == null) {
                deferredSlots = new java.util.IdentityHashMap<>();
            }
            deferredSlots.computeIfAbsent(value, k -> new ArrayList<>()).add(index);
        }
        Object stored = value == null ? NullMarker.NULL : value;
        if (index < memo.length) {
            if (memo[(int) index] == null) {
                countMemo();
            }
            memo[(int) index] = stored;
            return;
        }
        // grow the array only as far as the number of entries justifies; far-off indices go to a map
        if (index < 2L * memoCount + 64 && index < Integer.MAX_VALUE - 8) {
            memo = Arrays.copyOf(memo, (int) Math.max(index + 1, Math.min(Integer.MAX_VALUE - 8, memo.length * 2L)));
            countMemo();
            memo[(int) index] = stored;
            return;
        }
        if (sparseMemo == null) {
            sparseMemo = new HashMap<>();
        }
        if (sparseMemo.put(index, stored) == null) {
            countMemo();
        }
    }

    private void countMemo() throws BrineException {
        if (memoCount == maxMemo) {
            throw new LimitExceededException("maxMemoEntries", "more than " + maxMemo + " memo entries at offset " + opOffset);
        }
        memoCount++;
    }

    /** Stands for None in the memo, whose empty slots are Java nulls. */
    private enum NullMarker { NULL }

    // ---- globals and objects ------------------------------------------------------------------

    private void loadGlobal() throws IOException {
        String module = utf8Line();
        String name = utf8Line();
        push(resolve(module, name, true));
    }

    /**
     * A GLOBAL or INST name line, decoded as CPython decodes it: strict UTF-8, so a surrogate's
     * three bytes (ED A0..BF xx), which str's own opcodes pass, are refused here; and, as CPython's
     * reader refuses a line of fewer than two bytes (newline included) as truncated data, never empty.
     */
    private String utf8Line() throws IOException {
        String latin = line();
        if (latin.isEmpty()) {
            throw fail("pickle data was truncated: a global's module and name lines must not be empty");
        }
        byte[] raw = latin.getBytes(StandardCharsets.ISO_8859_1);
        String s = Utf8.decode(raw, 0, raw.length);
        if (s == null || encodesSurrogate(raw)) {
            throw fail("invalid UTF-8 in a global name");
        }
        return s;
    }

    private static boolean encodesSurrogate(byte[] utf8) {
        for (int i = 0; i + 1 < utf8.length; i++) {
            if (utf8[i] == (byte) 0xed && (utf8[i + 1] & 0xff) >= 0xa0) {
                return true;
            }
        }
        return false;
    }

    private void loadStackGlobal() throws BrineException {
        Object name = pop();
        Object module = pop();
        if (!(name instanceof String) || !(module instanceof String)) {
            throw fail("STACK_GLOBAL requires str, found " + PythonTypeNames.of(module) + " and " + PythonTypeNames.of(name));
        }
        push(resolve((String) module, (String) name, true));
    }

    private void loadExt(int code) throws BrineException {
        if (code <= 0) {
            throw fail("EXT specifies code <= 0");
        }
        Global g = options.extensions().lookup(code);
        if (g == null) {
            throw fail("unregistered extension code " + code);
        }
        push(resolve(g.module(), g.name(), true));
    }

    /**
     * The registered callable named {@code module.name}, else, with generic objects, its {@link Global}.
     * Strict reading refuses any other name but two, which it keeps as a {@link Pending} because they
     * may begin CPython's name of a nested class below protocol 4, {@code getattr(Outer, 'Inner')}:
     * {@code builtins.getattr} itself, and, when {@code mayBeParent} (a name from GLOBAL, STACK_GLOBAL,
     * EXT or getattr; not INST's class, which is called at once), an unregistered name read directly
     * onto a pending getattr.
     */
    private Object resolve(String module, String name, boolean mayBeParent) throws BrineException {
        return resolve(module, name, mayBeParent, null);
    }

    /**
     * {@link #resolve(String, String, boolean)}; {@code nested}, when not null, is the name read from
     * {@code getattr(Outer, 'Inner')}, and an unregistered one reads as a Global of the form this
     * pickle's protocol tells (see {@link #nestedName}).
     */
    private Object resolve(String module, String name, boolean mayBeParent, Global nested) throws BrineException {
        if (module.isEmpty() || name.isEmpty()) { // CPython: "Empty module name" from its import, or no attribute ''
            throw fail("a global needs a module and a name, found '" + module + "' and '" + name + "'");
        }
        // CPython's find_class maps Python 2 names only while self->proto < 3, as the PROTO opcode set it
        PyCallable c = options.registry().resolve(module, name, protocol < 3);
        if (c != null) {
            if (c instanceof Deferred) {
                deferredMade = true; // a registry's callable could be a Deferred itself
            }
            return c;
        }
        // what CPython's find_class looks up: below protocol 3, Python 2 names are mapped to Python 3 ones
        Global mapped = protocol < 3 ? PythonNames.toPython3(module, name) : null;
        Global global = mapped != null ? mapped : new Global(module, name);
        if (options.genericObjects()) {
            inertNames++;
            noteInert(global);
            // protocol 4+ writes a nested class as one dotted name, so a getattr there is a method or
            // another attribute, which CPython writes through getattr at every protocol; below 4 it
            // may be either (see Global.Form)
            return nested == null ? global : GlobalAccess.withArgumentsOf(global, nested,
                    protocol >= 4 ? Global.Form.ATTRIBUTE : Global.Form.NAME_OR_ATTRIBUTE);
        }
        if (mayBeParent && (global.equals(GETATTR) || onGetattr())) {
            pendingMade = true;
            return new Pending(global, null, opOffset, op());
        }
        throw notAllowed(module + "." + name, "");
    }

    /**
     * Keeps {@code global} for {@link #inertGlobals()}: only when an unresolved name is read (GLOBAL, STACK_GLOBAL,
     * INST, EXT, a nested getattr), which makes a Global anyway, never on other opcodes.
     */
    private void noteInert(Global global) {
        if (inertGlobals == null) {
            inertGlobals = new LinkedHashSet<>();
        }
        if (inertGlobals.size() < InertGlobals.MAX_LISTED) {
            inertGlobals.add(global);
        } else if (!inertGlobals.contains(global)) {
            moreInertGlobals = true;
        }
    }

    private void loadReduce() throws IOException {
        // the two may be Pending: getattr(Outer, 'Inner') is read here, and anything else refuses them
        Object args = popRaw();
        Object callable = popRaw();
        Global nested = nestedName(callable, args);
        if (nested != null) {
            push(resolve(nested.module(), nested.name(), true, nested));
            return;
        }
        checked(callable);
        checked(args);
        if (!(args instanceof Tuple)) {
            throw fail("REDUCE arguments must be a tuple, found " + PythonTypeNames.of(args));
        }
        Object made = call(callable, (Tuple) args);
        push(made);
        if (made instanceof GenericObject) {
            lastCall = (GenericObject) made;
            lastCallEnd = in.offset();
        }
    }

    /**
     * A generic call that REDUCE just made, and the offset after that REDUCE: when the next opcode, POP,
     * discards it and it was {@code setter(obj, state)} on a generic object without a state, it was how
     * CPython writes a reduce's {@code state_setter} (REDUCE then POP), and becomes that object's state.
     */
    private GenericObject lastCall;
    private long lastCallEnd = -1;

    private void noteStateSetter() throws BrineException {
        GenericObject call = lastCall;
        lastCall = null;
        if (call == null || opOffset != lastCallEnd || sp <= fence || stack[sp - 1] != call) {
            return;
        }
        Tuple a = call.args();
        if (call.creation() != GenericObject.Creation.REDUCE || a.size() != 2 || call.hasState()
                || !call.listItems().isEmpty() || !call.dictItems().isEmpty()) {
            return;
        }
        if (a.get(0) instanceof GenericObject && !((GenericObject) a.get(0)).hasState()) {
            ((GenericObject) a.get(0)).setState(a.get(1), call.callable());
        } else if (a.get(0) instanceof PickleState) {
            // a registered class whose Python __reduce__ has a state_setter: setter(obj, state) stands for
            // obj.__setstate__(state) (the pickle protocol's contract), so the state goes to setState, as a BUILD's
            // would; dropping it with the call would lose it without a word
            buildPickleState((PickleState) a.get(0), a.get(1));
        }
    }

    private static final Global GETATTR = new Global("builtins", "getattr");
    private static final Global BARE_OBJECT = new Global("builtins", "object");

    /**
     * {@code getattr(Outer, 'Inner')}: how CPython names a nested class below protocol 4, where GLOBAL
     * holds only a module attribute, and how CPython names a method at every protocol. It reads as the
     * name {@code module.Outer.Inner}, as protocol 4's STACK_GLOBAL of that name would: a registered
     * class, else a {@link Global} with generic objects (its form {@link Global.Form#ATTRIBUTE} in a
     * pickle of protocol 4+, {@link Global.Form#NAME_OR_ATTRIBUTE} below),
     * else a {@link Pending} (a parent again, when deeper nesting follows) or a refusal. Outer is a
     * registered class, a Global, or a Pending name; only a name is looked up, nothing is called.
     * Null for any other REDUCE.
     */
    private static Global nestedName(Object callable, Object args) {
        if (!GETATTR.equals(callable) && !(callable instanceof Pending && ((Pending) callable).isGetattr())) {
            return null;
        }
        Global outer;
        Object parent = null; // kept, unless pending, to be written back as it was read (see Global.Form)
        Object attribute;
        if (args instanceof Pending) {
            outer = ((Pending) args).global;
            attribute = ((Pending) args).attribute; // null unless getattr's arguments
        } else if (args instanceof Tuple && ((Tuple) args).size() == 2) {
            parent = ((Tuple) args).get(0);
            outer = parent instanceof Global ? (Global) parent
                    : parent instanceof PyCallable ? ((PyCallable) parent).global() : null;
            attribute = ((Tuple) args).get(1);
        } else {
            return null;
        }
        if (outer == null || !(attribute instanceof String)) {
            return null;
        }
        return GlobalAccess.ofAttribute(outer, parent, (String) attribute);
    }

    // ---- pending names: strict reading of getattr(Outer, 'Inner') ---------------------------------

    /**
     * What strict reading holds in place of a name it may not hand out, while it may still turn out
     * to be part of CPython's name of a nested class, {@code getattr(Outer, 'Inner')}: the global
     * {@code builtins.getattr}, an unregistered Outer (only ever pushed directly onto a getattr), or
     * getattr's argument tuple {@code (Outer, 'Inner')} with such an Outer. It is never a value:
     * every read of the stack refuses it ({@link #checked}, through pop, top and popMark) but
     * REDUCE's (which reads the nested name from it or refuses it), the memo's (a fetched one is
     * checked again) and the tuple opcodes' (which make only getattr's arguments of it), so it
     * reaches no container, call, state, persistent id or result. A tuple holding one is itself a
     * Pending, and no other container can hold one.
     */
    private static final class Pending {
        final Global global;
        final String attribute; // getattr's arguments (global, attribute); null for the name alone
        final long offset;
        final Opcode opcode;

        Pending(Global global, String attribute, long offset, Opcode opcode) {
            this.global = global;
            this.attribute = attribute;
            this.offset = offset;
            this.opcode = opcode;
        }

        boolean isGetattr() {
            return attribute == null && global.equals(GETATTR);
        }
    }

    /** Whether the top of the stack, even beyond the current MARK, is the pending getattr. */
    private boolean onGetattr() {
        return sp > 0 && stack[sp - 1] instanceof Pending && ((Pending) stack[sp - 1]).isGetattr();
    }

    /**
     * getattr's arguments {@code (Outer, 'Inner')} with Outer pending: the only tuple of a pending
     * name there is, and a Pending itself, read only by REDUCE. Any other tuple of one is refused.
     */
    private Pending getattrArguments(Object[] items, Pending first) throws BrineException {
        if (items.length == 2 && items[0] == first && first.attribute == null && !first.isGetattr()
                && items[1] instanceof String && onGetattr()) {
            return new Pending(first.global, (String) items[1], first.offset, first.opcode); // named where Outer was
        }
        throw refused(first);
    }

    /** {@code value}, refused when it is a {@link Pending}: every read of the stack but a few goes through here. */
    private Object checked(Object value) throws BrineException {
        if (value instanceof Pending) {
            throw refused((Pending) value);
        }
        return value;
    }

    /** {@link #checked} for {@code items[from..to)}; returns {@code items}. */
    private Object[] checkedAll(Object[] items, int from, int to) throws BrineException {
        if (pendingMade) {
            for (int i = from; i < to; i++) {
                checked(items[i]);
            }
        }
        return items;
    }

    /** The refusal of a global that turned out not to be part of a nested class's name. */
    private UnpicklingException refused(Pending p) {
        return notAllowed(p.global.toString(), " (named by " + p.opcode + " at offset " + p.offset
                + (p.isGetattr() ? "; read only as getattr(class, 'Name'), the name of a nested class" : "") + ")");
    }

    private UnpicklingException notAllowed(String name, String detail) {
        // the loaders' options (UnpicklerOptions, ArchiveOptions, TorchOptions) all take these two
        return fail("global '" + name + "' is not allowed" + detail + ": register it in a ClassRegistry"
                + " (registry(...) on the options you load with: UnpicklerOptions, ArchiveOptions, TorchOptions)"
                + " or read with genericObjects(true) to keep it as an inert object");
    }

    /**
     * What a call or NEWOBJ sees as {@code cls}: when reading generic objects, a class registered only to
     * be named as an argument ({@code builtins.list} as a base of {@code copyreg._reconstructor}, ...)
     * is called inertly, as its name, like every class Brine does not model.
     */
    private Object callee(Object cls) {
        return options.genericObjects() && cls instanceof ArgumentOnlyClass ? ((ArgumentOnlyClass) cls).global() : cls;
    }

    /**
     * copyreg's constructors, NEWOBJ spelled as a call: {@code __newobj__(cls, *args)}, {@code __newobj_ex__(cls,
     * args, kwargs)} and {@code _reconstructor(cls, base, state)}, whose first argument is the class made.
     */
    private static final Set<Global> COPYREG_CONSTRUCTORS = Set.of(new Global("copyreg", "__newobj__"),
            new Global("copyreg", "__newobj_ex__"), new Global("copyreg", "_reconstructor"));

    /**
     * The arguments {@code callable} is called with: when reading generic objects, a class registered only
     * to be named as an argument ({@code builtins.int}) that copyreg's constructors are to make is its inert
     * name there, as {@link #callee} makes it for the NEWOBJ opcode, so that both spellings read alike.
     * {@code builtins.object} is left as it is: it makes its bare instance in either reading.
     */
    private Tuple arguments(PyCallable callable, Tuple args) {
        if (!options.genericObjects() || args.isEmpty() || !(args.get(0) instanceof ArgumentOnlyClass)
                || ArgumentOnlyClass.is(args.get(0), BARE_OBJECT) || !COPYREG_CONSTRUCTORS.contains(callable.global())) {
            return args;
        }
        Object[] items = args.toArray();
        items[0] = ((ArgumentOnlyClass) items[0]).global();
        return TupleAccess.adopt(items);
    }

    private Object call(Object target, Tuple args) throws IOException {
        Object callable = callee(target);
        if (callable instanceof PyCallable) {
            PyCallable c = (PyCallable) callable;
            chargeWeight(strArguments(args));
            return made(charge(c.call(arguments(c, args))), args, c);
        }
        // an object the pickle made is called only when kept inert (generic reading: cloudpickle's classes); read
        // strictly it is a builtin value Java cannot hold (a Decimal NaN, a named timezone), which CPython won't call
        if (callable instanceof Global || callable instanceof GenericObject && options.genericObjects()) {
            return madeWhole(GenericObject.reduced(callable, args));
        }
        throw fail("'" + PythonTypeNames.of(callable) + "' object is not callable");
    }

    private void loadNewObj() throws IOException {
        Object args = pop();
        Object cls = pop();
        if (!(args instanceof Tuple)) {
            throw fail("NEWOBJ expected an argument tuple, found " + PythonTypeNames.of(args));
        }
        push(newObject(cls, (Tuple) args, null));
    }

    private void loadNewObjEx() throws IOException {
        Object kwargs = pop();
        Object args = pop();
        Object cls = pop();
        if (!(args instanceof Tuple)) {
            throw fail("NEWOBJ_EX args argument must be a tuple, found " + PythonTypeNames.of(args));
        }
        if (!(kwargs instanceof Map)) {
            throw fail("NEWOBJ_EX kwargs argument must be a dict, found " + PythonTypeNames.of(kwargs));
        }
        Map<Object, Object> kw = cast(kwargs);
        push(newObject(cls, (Tuple) args, kw));
    }

    private Object newObject(Object target, Tuple args, Map<Object, Object> kwargs) throws IOException {
        Object cls = callee(target);
        if (cls instanceof PyCallable) {
            Object made = charge(((PyCallable) cls).newObject(args, kwargs == null ? Map.of() : kwargs));
            return made(made, kwargs == null ? args : Tuple.of(args, kwargs), (PyCallable) cls);
        }
        if (cls instanceof Global || cls instanceof GenericObject && options.genericObjects()) {
            // a generic object as the class: one the pickle built by a call (cloudpickle's _make_skeleton_class
            // for a class defined in __main__), kept inert as a call on it is (see call)
            return madeWhole(new GenericObject(cls, kwargs == null ? GenericObject.Creation.NEWOBJ
                    : GenericObject.Creation.NEWOBJ_EX, args, kwargs));
        }
        if (cls instanceof GenericObject) {
            throw fail(op().name() + " class argument is an object the pickle itself made, " + PythonRepr.brief(cls)
                    + ", not a class Brine can create; read with genericObjects(true) to keep it and its instance as inert objects");
        }
        throw fail(op().name() + " class argument isn't a type: " + PythonTypeNames.of(cls));
    }

    private void loadInst() throws IOException {
        String module = utf8Line();
        String name = utf8Line();
        Object[] args = popMark();
        push(instantiate(resolve(module, name, false), args));
    }

    private void loadObj() throws IOException {
        Object[] items = popMark();
        if (items.length == 0) {
            throw fail("OBJ needs a class after the MARK");
        }
        push(instantiate(items[0], Arrays.copyOfRange(items, 1, items.length)));
    }

    /** INST and OBJ: {@code cls(*args)}, or {@code cls.__new__(cls)} when there are no arguments. */
    private Object instantiate(Object target, Object[] args) throws IOException {
        Object cls = callee(target);
        if (args.length == 0 && (cls instanceof PyCallable || cls instanceof Global)) {
            // CPython's _instantiate: a class given no arguments is made by cls.__new__(cls), without __init__,
            // so it is kept (and written back) as NEWOBJ, as CPython writes it back; a non-class is called
            return newObject(target, Tuple.empty(), null);
        }
        return call(cls, TupleAccess.adopt(args));
    }

    private void loadBuild() throws IOException {
        Object state = pop();
        Object target = top();
        if (target instanceof Deferred) {
            Object done = charge(((Deferred) target).complete(state));
            if (unbuilt > 0) {
                unbuilt--;
            }
            stack[sp - 1] = done;
            replaceInMemo(target, done);
            if (standIns != null) {
                finishStandIn(target, made(done, state, null));
            }
            if (deferredAt != null) {
                deferredAt.remove(target);
            }
        } else if (isBuiltinStandIn(target)) {
            if (!isNoState(state)) { // BUILD with None does nothing in CPython either
                String type = PythonTypeNames.of(target);
                throw fail("cannot BUILD " + type + " with a state of type " + PythonTypeNames.of(state)
                        + ": it has no __dict__ (CPython: '" + type.replace("builtins.", "")
                        + "' object has no attribute '__dict__')");
            }
        } else if (target instanceof GenericObject) {
            if (((GenericObject) target).hasState()) {
                // CPython applies both (a __setstate__ called twice, or the dicts merged into __dict__); a generic
                // object keeps one state, and keeping the last would drop the first without a word
                throw fail("a second BUILD on " + PythonRepr.brief(target) + ", which has its state already: a generic"
                        + " object keeps one state (CPython would apply both, which Brine cannot write back)");
            }
            ((GenericObject) took(target, state)).setState(state);
        } else if (target instanceof PickleState) {
            buildPickleState((PickleState) target, state);
        } else if (target instanceof dev.brine.py.OrderedDict && (state == null || state instanceof Map)) {
            // OrderedDict.__reduce__ gives its instance __dict__ as the state (torch's state dicts: _metadata)
            setAttributes((dev.brine.py.OrderedDict<?, ?>) target, (Map<?, ?>) state);
            madeWhole(target);
        } else if (isNoState(state) && (isPlainBuiltin(target) || target instanceof PyCallable)) {
            // CPython's BUILD leaves an object without __setstate__ as it is when the state is None: a
            // builtin value, a class or a function (the other cases above have their own rules). A dict
            // state would go into the object's __dict__, which a builtin value has not (refused below, as
            // CPython refuses it), nor a builtin function; a class's is never written to by Brine.
        } else if (target instanceof java.util.UUID) {
            // read whole from its first BUILD (see Uuids); CPython's __setstate__ would set it again
            throw fail("a second BUILD on " + PythonRepr.brief(target) + ", which has its state already: Brine reads a"
                    + " uuid.UUID whole from its first BUILD, and refuses another");
        } else {
            throw fail("cannot BUILD a " + PythonTypeNames.of(target) + ": it has no state hook");
        }
    }

    /** BUILD, or a state setter, on a registered class's object: its state migrated to the current version, then set. */
    private void buildPickleState(PickleState target, Object state) throws BrineException {
        refuseStandInGiven(state, () -> options.registry().describe(target.getClass()) + ".setState would be given");
        setState(target, options.registry().upgradeState(target, state));
    }

    /**
     * A BUILD state that sets nothing on an object without {@code __setstate__}: None, or CPython's
     * {@code (state, slotstate)} pair as {@code (None, {})} (a non-empty slot state would set attributes, and a
     * slot state that is not a dict is refused, as CPython refuses both).
     */
    private static boolean isNoState(Object state) {
        return state == null || state instanceof Tuple && ((Tuple) state).size() == 2 && ((Tuple) state).get(0) == null
                && ((Tuple) state).get(1) instanceof Map && ((Map<?, ?>) ((Tuple) state).get(1)).isEmpty();
    }

    /**
     * A value of a Python builtin type that has no {@code __setstate__} (None, int, float, str, a list, a Decimal, a
     * datetime, ...).
     */
    private static boolean isPlainBuiltin(Object v) {
        return v == null || v instanceof Long || v instanceof BigInteger || v instanceof Double || v instanceof Boolean
                || v instanceof String || v instanceof byte[] || v instanceof ByteArray || v instanceof Tuple
                || v instanceof dev.brine.py.Complex || v instanceof ArrayList || v instanceof LinkedHashMap
                || v instanceof LinkedHashSet || v instanceof FrozenSet || v instanceof java.math.BigDecimal
                || v instanceof java.time.LocalDate || v instanceof java.time.LocalTime || v instanceof java.time.OffsetTime
                || v instanceof java.time.LocalDateTime || v instanceof java.time.OffsetDateTime
                || v instanceof java.time.Duration || v instanceof java.time.ZoneOffset;
    }

    /**
     * Hands {@code state} to the user's {@code setState}. What it throws says that this class refused
     * this state, not that the pickle is malformed: the message names the class as Python does, and
     * the exception it threw is kept as the cause; so is a stack overflow in it. Other errors are left to load().
     */
    private void setState(PickleState target, Object state) throws BrineException {
        try {
            target.setState(state);
        } catch (LimitExceededException e) {
            throw e;
        } catch (Exception | AssertionError | LinkageError e) {
            // BrineException, RuntimeException, and what a hook throws undeclared (a checked exception from Kotlin,
            // Scala or Lombok's @SneakyThrows) or of its own making (a failed assert, a class it could not load)
            UnpicklingException refused = fail(options.registry().describe(target.getClass())
                    + ".setState refused its state of type " + PythonTypeNames.of(state) + ": " + e);
            refused.initCause(e);
            throw refused;
        } catch (StackOverflowError e) {
            // reading is iterative, so the stack is the hook's: it recursed without end, or too deep for this
            // thread (walking a deeply nested state, say); named as its failure, not as the pickle's nesting
            UnpicklingException overflowed = fail(options.registry().describe(target.getClass())
                    + ".setState overflowed the stack (" + e + ") with its state of type " + PythonTypeNames.of(state)
                    + ": it recurses too deeply, or without end");
            overflowed.initCause(e);
            throw overflowed;
        }
    }

    private void setAttributes(dev.brine.py.OrderedDict<?, ?> target, Map<?, ?> state) throws BrineException {
        if (state == null) {
            return;
        }
        for (Map.Entry<?, ?> e : state.entrySet()) {
            if (!(e.getKey() instanceof String)) {
                throw fail("attribute name must be string, not '" + PythonTypeNames.of(e.getKey()) + "'");
            }
            target.attributes().put((String) e.getKey(), e.getValue());
        }
    }

    /** Puts {@code done} in the memo slots that hold the stand-in {@code pending}. */
    private void replaceInMemo(Object pending, Object done) {
        if (deferredSlots == null) {
            return;
        }
        List<Long> slots = deferredSlots.remove(pending);
        if (slots == null) {
            return;
        }
        for (long index : slots) {
            if (index < memo.length && memo[(int) index] == pending) {
                memo[(int) index] = done;
            } else if (sparseMemo != null && sparseMemo.get(index) == pending) {
                sparseMemo.put(index, done);
            }
        }
    }

    private void loadPersistent(Object pid) throws IOException {
        PersistentLoader loader = options.persistentLoader();
        if (loader == null) {
            throw fail("a persistent id was found, but no persistent loader was given");
        }
        refuseStandInGiven(pid, () -> "the persistent loader would be given");
        long before = loader.bytesRead();
        Object loaded = persistentLoad(loader, pid);
        outOfBand = saturatingAdd(outOfBand, Math.max(0, loader.bytesRead() - before));
        push(noteDeferred(loaded));
    }

    /**
     * Calls the user's persistent loader. What it throws says that the hook refused this id, not that the
     * pickle is malformed: a BrineException passes as it came (it already says what, an archive's loader
     * names its member); anything else, thrown undeclared (Kotlin, Scala, Lombok's @SneakyThrows) or of the
     * hook's own making (a failed assert), and a stack overflow in it, is named as the hook's, with its cause.
     */
    private Object persistentLoad(PersistentLoader loader, Object pid) throws BrineException {
        try {
            return loader.load(pid);
        } catch (BrineException e) {
            throw e;
        } catch (Exception | AssertionError | LinkageError e) {
            UnpicklingException refused = fail("the persistent_load hook threw " + e + " for the persistent id "
                    + PythonRepr.brief(pid));
            refused.initCause(e);
            throw refused;
        } catch (StackOverflowError e) {
            // reading is iterative, so the stack is the hook's: it recursed without end, or too deep for this thread
            UnpicklingException overflowed = fail("the persistent_load hook overflowed the stack (" + e
                    + ") for the persistent id " + PythonRepr.brief(pid) + ": it recurses too deeply,"
                    + " or without end");
            overflowed.initCause(e);
            throw overflowed;
        }
    }

    /**
     * Remembers that a {@link Deferred} exists, so that MEMOIZE tests for one only then: an
     * interface test that fails (a str is not a Deferred) scans the class's interfaces, and MEMOIZE
     * follows nearly every string (strings_300k loads: see BENCHMARKS.md).
     */
    private Object noteDeferred(Object made) {
        if (made instanceof Deferred) {
            deferredMade = true;
            unbuilt++;
            if (deferredAt == null) {
                deferredAt = new IdentityHashMap<>();
            }
            deferredAt.merge(made, Math.max(0, sp - 1), Math::min); // pushed at sp, or put at the top (BUILD)
        }
        return made;
    }

    /** The lowest stack slot each Deferred not yet built was put at, from about where it was made (see finishStandIn). */
    private IdentityHashMap<Object, Integer> deferredAt;

    // ---- stand-ins handed out before their BUILD (see StandIns) ----------------------------------

    /**
     * {@link #handedOut} for a memo entry: the memo's stand-ins are the keys of deferredSlots, and an identity
     * lookup there costs less than a failed {@code instanceof Deferred} on every value fetched while a numpy array's
     * state is read (an interface test; 100,000 small arrays loaded 8% slower with it, AbCompare).
     */
    private Object fetched(Object v) {
        return deferredSlots.containsKey(v) ? handedOut(v) : v;
    }

    /** {@code v}, noted as handed out when it is a stand-in that BUILD has not completed yet (a GET, a DUP). */
    private Object handedOut(Object v) {
        if (deferredMade && v instanceof Deferred) {
            if (standIns == null) {
                standIns = new StandIns();
            }
            standIns.handOut(v, Math.max(0, sp - 1), opOffset, op()); // pushed at sp (GET), or the top's copy (DUP)
            handedOutHere = true;
        }
        return v;
    }

    /** {@code container}, noted when a stand-in is out and {@code value}, which it takes, is one (see StandIns.took). */
    private Object took(Object container, Object value) {
        if (standIns != null) {
            standIns.took(container, value);
        }
        return container;
    }

    /** {@code container}, made with its values, noted when a stand-in is out and one of them is it (see StandIns.made). */
    private <T> T madeWhole(T container) {
        if (standIns != null) {
            standIns.made(container);
        }
        return container;
    }

    /**
     * What a call or BUILD made from {@code given} while a stand-in is out: noted when it is a container
     * Brine can patch; refused when it is anything else that may hold values and {@code given} reaches
     * the stand-in, which it could otherwise keep where BUILD cannot put the finished object.
     */
    private Object made(Object result, Object given, PyCallable maker) throws BrineException {
        if (standIns == null || result == null || holdsNoValues(result)) {
            return result;
        }
        if (StandIns.isPatchable(result)) {
            if (result instanceof Map) { // a callable's dict took its keys without hashable(): see that they hold none
                for (Object key : ((Map<?, ?>) result).keySet()) {
                    hashable(key);
                }
            }
            standIns.made(result);
            return result;
        }
        refuseStandInGiven(given, () -> (maker == null ? "BUILD" : maker.global().toString()) + " made a "
                + PythonTypeNames.of(result) + " from");
        return result;
    }

    /**
     * Refuses to give {@code given} to what Brine cannot patch afterwards when it reaches a stand-in;
     * {@code what} names it, ending where the message goes on with "an object that is not made yet".
     */
    private void refuseStandInGiven(Object given, java.util.function.Supplier<String> what) throws BrineException {
        if (standIns == null) {
            return;
        }
        Object found = standIns.reachedStandIn(given);
        chargeWeight(standIns.takeSlotsSeen());
        if (found != null) {
            throw fail(what.get() + " an object that is not made yet: it was fetched by " + standIns.handedOutBy(found)
                    + " before BUILD gave it its state (an object that holds itself, as a numpy array may); Brine can put"
                    + " the finished object into lists, dicts, tuples, generic objects and object arrays, but not into a "
                    + "value made by the caller's code");
        }
    }

    /** Values that hold no other values, so no stand-in: nothing to patch in them. */
    private static boolean holdsNoValues(Object v) {
        return v instanceof String || v instanceof Number || v instanceof Boolean || v instanceof byte[]
                || v instanceof ByteArray || v instanceof PickleBuffer || v instanceof Global || v instanceof Deferred
                || v instanceof dev.brine.py.Complex || v instanceof dev.brine.ndarray.NDArray
                || v instanceof dev.brine.ndarray.DType || v instanceof dev.brine.numpy.NumpyScalar
                || v instanceof java.time.temporal.TemporalAccessor
                || v instanceof java.time.Duration;
    }

    /**
     * After BUILD completed {@code standIn} as {@code done} (already on the stack's top and in the memo): puts
     * it wherever else the stand-in went, when it had been handed out before. Each slot looked at costs a
     * byte of maxBytesRatio's budget: a pass is linear, but many stand-ins out over many containers would
     * repeat it (quadratic); a million-item array holding itself costs two million, well inside the budget.
     */
    private void finishStandIn(Object standIn, Object done) throws BrineException {
        int from = standIns.complete(standIn, done);
        if (from >= 0) {
            // its copies on the stack lie from the lowest slot a GET or DUP pushed one to, or where the call
            // that made it pushed it, up: not below (a BUILD per array inside an array whose items fill the
            // stack walked all of it each time, quadratic and refused by maxBytesRatio)
            Integer made = deferredAt == null ? null : deferredAt.get(standIn);
            from = Math.min(from, made == null ? 0 : made);
            for (int i = from; i < sp; i++) {
                if (stack[i] == standIn) {
                    stack[i] = done;
                }
            }
            chargeWeight(standIns.takeSlotsSeen() + sp - from);
        }
        if (standIns.isEmpty()) {
            standIns = null;
        }
    }

    /**
     * The value STOP returns, refused when it still holds a stand-in: one BUILD never completed (a pickle
     * that made a numpy array and never gave it its state), or that went where BUILD could not reach it.
     * Looked for only when this pickle handed a stand-in out before its BUILD (a crafted pickle may also
     * have put it where no container was noted: a dict key before the GET) or one is left unbuilt; never in
     * other pickles.
     */
    private Object finished(Object value) throws BrineException {
        if (!handedOutHere && unbuilt == 0) {
            return value;
        }
        long[] seen = new long[1];
        if (unbuilt > 0) {
            // stand-ins never BUILT that are whole without it (a numpy dtype: Deferred.unbuilt) become that value,
            // as Python holds them; what is left is refused below
            value = StandIns.withUnbuiltMade(value, seen);
        }
        Object left = StandIns.firstDeferred(value, null, seen);
        chargeWeight(seen[0]);
        if (left != null) {
            throw fail("the pickle's value holds an object that is not made yet (a stand-in for one that BUILD gives"
                    + " its state, such as a numpy array or dtype" + (standIns != null && standIns.isOut(left)
                    ? ", fetched by " + standIns.handedOutBy(left) : "") + "): its BUILD never came, or came after the"
                    + " stand-in was put where BUILD cannot reach");
        }
        return value;
    }

    /**
     * Counts what a callable built against {@link dev.brine.Limits#maxBytesRatio()}: a copy of a
     * memoized value costs the input a few bytes, and may be asked for thousands of times.
     */
    private Object charge(Object made) throws LimitExceededException {
        if (made instanceof dev.brine.ndarray.NDArray) {
            checkElements(((dev.brine.ndarray.NDArray) made).size());
        } else if (made instanceof dev.brine.numpy.ObjectArray) {
            checkElements(((dev.brine.numpy.ObjectArray) made).items().size());
        }
        noteDeferred(made);
        chargeWeight(weight(made));
        return made;
    }

    /**
     * Limits.maxArrayElements for an array a callable made (numpy's _reconstruct and BUILD, _frombuffer),
     * as .npy files have it: the bytes were bounded by maxAllocation as they were read, but a shape
     * over a zero-size dtype or an out-of-band buffer declares elements that no read counted.
     */
    private void checkElements(long count) throws LimitExceededException {
        if (count > maxArrayElements) {
            throw new LimitExceededException("maxArrayElements", "a numpy array built at offset " + opOffset
                    + " (" + op().name() + ") has " + count + " elements, more than the " + maxArrayElements + " allowed");
        }
    }

    /**
     * A call's str arguments, one a character, charged before the call: a callable may read a str
     * through however little it builds of it ({@code set(s)} of a million equal characters is a set
     * of one, {@code complex(s)} one number), so one memoized str passed again and again costs each
     * time, as a copy of it would.
     */
    private static long strArguments(Tuple args) {
        long n = 0;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) instanceof String) {
                n += ((String) args.get(i)).length();
            }
        }
        return n;
    }

    /** Counts {@code weight} bytes built against {@link dev.brine.Limits#maxBytesRatio()}. */
    private void chargeWeight(long weight) throws LimitExceededException {
        if (weight == 0) {
            return;
        }
        built = saturatingAdd(built, weight);
        long read = saturatingAdd(in.offset() + 65536, outOfBand);
        long budget = read > Long.MAX_VALUE / maxBytesRatio ? Long.MAX_VALUE : read * maxBytesRatio;
        if (built > budget) {
            // built counts bytes copied by calls and, a byte each, slots re-walked to finish stand-ins and
            // the characters of str arguments that calls read
            throw new LimitExceededException("maxBytesRatio", "the pickle had the reader build or re-walk " + built
                    + " bytes of values (a container slot, or a character of a str a call read, counts as one) from "
                    + saturatingAdd(in.offset(), outOfBand) + " bytes of input by offset " + opOffset + ", more than " + maxBytesRatio
                    + " times the input");
        }
    }

    /** Roughly the bytes a value holds that a call may have copied: payloads and container slots. */
    private static long weight(Object v) {
        if (v instanceof byte[]) {
            return ((byte[]) v).length;
        }
        if (v instanceof ByteArray) {
            return ((ByteArray) v).size();
        }
        if (v instanceof String) {
            return 2L * ((String) v).length();
        }
        if (v instanceof dev.brine.ndarray.NDArray) {
            return ((dev.brine.ndarray.NDArray) v).nbytes();
        }
        if (v instanceof java.math.BigDecimal) {
            // charged per bit, not per byte: parsing its digits costs time quadratic in their number
            return ((java.math.BigDecimal) v).unscaledValue().bitLength();
        }
        if (v instanceof Map) {
            return 16L * ((Map<?, ?>) v).size();
        }
        if (v instanceof Collection) {
            return 8L * ((Collection<?>) v).size();
        }
        if (v instanceof Tuple) {
            return 8L * ((Tuple) v).size();
        }
        return 0;
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        return r < 0 ? Long.MAX_VALUE : r;
    }

    // ---- errors -------------------------------------------------------------------------------

    private UnpicklingException underflow() {
        return fail("unpickling stack underflow");
    }

    private UnpicklingException fail(String what) {
        return new UnpicklingException(what, opOffset, opName());
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object o) {
        return (T) o;
    }
}
