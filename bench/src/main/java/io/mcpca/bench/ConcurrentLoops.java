package io.mcpca.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/** N loops, each on a thread of its own, sharing one budget of calls; the first failure is rethrown. */
final class ConcurrentLoops {

    /** One loop: calls while {@code nextCall} says there is one left. */
    interface Loop {
        void run(int id, BooleanSupplier nextCall) throws Exception;
    }

    private ConcurrentLoops() {
    }

    /** Runs {@code calls} calls over {@code loops} loops; returns calls per second over all of them. */
    static double run(int loops, int calls, Loop loop) throws Exception {
        AtomicInteger remaining = new AtomicInteger(calls);
        AtomicReference<Exception> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(loops);
        ExecutorService pool = Executors.newFixedThreadPool(loops);
        long start = System.nanoTime();
        for (int t = 0; t < loops; t++) {
            int id = t;
            pool.execute(() -> {
                try {
                    loop.run(id, () -> remaining.getAndDecrement() > 0);
                } catch (Exception e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
        }
        done.await();
        double perSecond = calls / ((System.nanoTime() - start) / 1e9);
        pool.shutdown();
        if (failure.get() != null) {
            throw failure.get();
        }
        return perSecond;
    }
}
