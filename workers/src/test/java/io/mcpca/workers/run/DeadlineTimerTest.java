package io.mcpca.workers.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class DeadlineTimerTest {

    private static final long HOUR_NANOS = Duration.ofHours(1).toNanos();

    @Test
    void aDeadlineThatPassesRunsItsAction() throws InterruptedException {
        DeadlineTimer timer = new DeadlineTimer("test-deadlines");
        CountDownLatch ran = new CountDownLatch(1);
        timer.schedule(ran::countDown, Duration.ofMillis(20).toNanos());
        assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aCancelledDeadlineNeverRuns() throws InterruptedException {
        DeadlineTimer timer = new DeadlineTimer("test-deadlines");
        AtomicBoolean cancelledRan = new AtomicBoolean();
        timer.schedule(() -> cancelledRan.set(true), Duration.ofMillis(20).toNanos()).cancel();
        CountDownLatch later = new CountDownLatch(1);
        timer.schedule(later::countDown, Duration.ofMillis(100).toNanos());
        assertThat(later.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(cancelledRan).isFalse();
    }

    /** Regression: the thread sleeps until the first deadline; one scheduled earlier must wake it, not wait an hour. */
    @Test
    void anEarlierDeadlineWakesTheSleepingThread() throws InterruptedException {
        DeadlineTimer timer = new DeadlineTimer("test-deadlines");
        timer.schedule(() -> { }, HOUR_NANOS);
        awaitSleeping(timer);
        CountDownLatch ran = new CountDownLatch(1);
        timer.schedule(ran::countDown, Duration.ofMillis(20).toNanos());
        assertThat(ran.await(30, TimeUnit.SECONDS)).isTrue();
    }

    /** Why this class exists: calls' kills that are later than the one the thread sleeps until cost it no wake-up. */
    @Test
    void laterDeadlinesScheduledAndCancelledDoNotWakeTheThread() throws InterruptedException {
        DeadlineTimer timer = new DeadlineTimer("test-deadlines");
        timer.schedule(() -> { }, HOUR_NANOS).cancel();
        awaitSleeping(timer);
        long before = timer.wakeUps();
        for (int call = 0; call < 1_000; call++) {
            timer.schedule(() -> { }, HOUR_NANOS).cancel();
        }
        Thread.sleep(50);
        assertThat(timer.wakeUps()).isEqualTo(before);
    }

    /** Until the thread sleeps towards the hour-long deadline (a signal of the first schedule, if any, seen). */
    private static void awaitSleeping(DeadlineTimer timer) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!timer.sleepsUntilATime() && System.nanoTime() < end) {
            Thread.sleep(1);
        }
        assertThat(timer.sleepsUntilATime()).isTrue();
    }
}
