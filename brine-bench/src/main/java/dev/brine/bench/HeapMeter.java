package dev.brine.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Measures the heap cost of one operation, three ways, because "peak heap" alone depends on how
 * big the JVM lets the young generation grow:
 *
 * <ul>
 *   <li><b>allocated</b>: bytes the thread allocated during the operation
 *       ({@code com.sun.management.ThreadMXBean.getCurrentThreadAllocatedBytes}); exact, GC-independent;</li>
 *   <li><b>retained</b>: heap in use after a full GC with the result still reachable, minus the
 *       same before the operation (both as the collector reports them in its notification): the
 *       size of the result;</li>
 *   <li><b>peak</b>: the highest heap occupancy seen during the operation — the "used before GC"
 *       of every collection that ran during it (GC notifications) and the occupancy at its end —
 *       minus the occupancy after a full GC before it. This includes garbage not yet collected, so
 *       it depends on the young generation's size; read it next to "allocated".</li>
 * </ul>
 */
final class HeapMeter {
    /** One operation's heap cost in bytes. */
    record Cost(long allocated, long retained, long peak) {
    }

    private final Set<String> heapPools = new HashSet<>();
    private final List<MemoryPoolMXBean> pools = new ArrayList<>();
    private final AtomicLong peakBeforeGc = new AtomicLong();
    /** Heap in use right after the latest collection, as the collector itself reported it. */
    private final AtomicLong lastAfterGc = new AtomicLong();
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    HeapMeter() {
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                heapPools.add(p.getName());
                pools.add(p);
            }
        }
        NotificationListener listener = this::onGc;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) gc).addNotificationListener(listener, null, null);
        }
    }

    private void onGc(Notification n, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
        long used = 0;
        for (var e : info.getGcInfo().getMemoryUsageBeforeGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                used += e.getValue().getUsed();
            }
        }
        peakBeforeGc.accumulateAndGet(used, Math::max);
        long after = 0;
        for (var e : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(e.getKey())) {
                after += e.getValue().getUsed();
            }
        }
        lastAfterGc.set(after);
    }

    long used() {
        long used = 0;
        for (MemoryPoolMXBean p : pools) {
            MemoryUsage u = p.getUsage();
            used += u.getUsed();
        }
        return used;
    }

    /** Runs {@code op} once and returns what it cost. */
    Cost measure(Callable<?> op) throws Exception {
        fullGc();
        settle(); // the full GC's own notifications must not count as the operation's
        // what the collector reports right after a full GC: reading the pools a moment later was
        // unreliable under ParallelGC (eden showed anything from 0 to 20 MB after System.gc())
        long base = lastAfterGc.get();
        peakBeforeGc.set(0);
        long a0 = threads.getCurrentThreadAllocatedBytes();
        Object result = op.call();
        long allocated = threads.getCurrentThreadAllocatedBytes() - a0;
        long end = used();
        settle();
        long peak = Math.max(peakBeforeGc.get(), end) - base;
        fullGc();
        settle();
        long retained = lastAfterGc.get() - base;
        Reference.reachabilityFence(result);
        return new Cost(allocated, Math.max(0, retained), Math.max(0, peak));
    }

    /** GC notifications arrive on a service thread: give them a moment. */
    private static void settle() throws InterruptedException {
        Thread.sleep(250);
    }

    static void fullGc() {
        for (int i = 0; i < 2; i++) {
            System.gc();
        }
    }
}
