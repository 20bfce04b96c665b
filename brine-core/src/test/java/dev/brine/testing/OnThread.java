package dev.brine.testing;

import java.util.concurrent.Callable;

/** Runs a task on a new thread of a chosen stack size (the deep-structure tests need small and big stacks). */
public final class OnThread {
    private OnThread() {
    }

    /** What {@code task} returns on a new thread named {@code name} of {@code stackSize} bytes, or what it threw. */
    public static Object call(String name, long stackSize, Callable<?> task) throws InterruptedException {
        Object[] result = new Object[1];
        Thread t = new Thread(null, () -> {
            try {
                result[0] = task.call();
            } catch (Throwable failure) {
                result[0] = failure;
            }
        }, name, stackSize);
        t.start();
        t.join();
        return result[0];
    }
}
