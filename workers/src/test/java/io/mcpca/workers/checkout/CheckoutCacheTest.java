package io.mcpca.workers.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.shared.wire.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckoutCacheTest {

    @TempDir
    Path tmp;

    private static String commit(int n) {
        return String.format("%040x", n);
    }

    private static void fill(Path dir, int bytes) {
        try {
            Files.write(dir.resolve("f"), new byte[bytes]);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void concurrentAcquiresOfOneCommitFillItOnce() throws Exception {
        try (CheckoutCache cache = new CheckoutCache(tmp.resolve("c"), 1 << 20, Clock.systemUTC())) {
            AtomicInteger fills = new AtomicInteger();
            CountDownLatch inFill = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<Path>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> {
                    try (CheckoutCache.Lease lease = cache.acquire(commit(1), dir -> {
                        fills.incrementAndGet();
                        inFill.countDown();
                        sleep(200); // the others arrive while this one fills
                        fill(dir, 10);
                    })) {
                        return lease.path();
                    }
                }));
            }
            for (Future<Path> result : results) {
                assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(cache.directory().resolve(commit(1)));
            }
            pool.shutdown();
            assertThat(fills).hasValue(1);
            assertThat(cache.directory().resolve(commit(1)).resolve("f")).hasSize(10);
        }
    }

    @Test
    void leastRecentlyUsedGoesFirstButNeverOneInUse() throws Exception {
        try (CheckoutCache cache = new CheckoutCache(tmp.resolve("c"), 250, Clock.systemUTC())) {
            CheckoutCache.Lease held = cache.acquire(commit(1), dir -> fill(dir, 100));
            cache.acquire(commit(2), dir -> fill(dir, 100)).close();
            sleep(5);
            cache.acquire(commit(3), dir -> fill(dir, 100)).close(); // 300 > 250: commit 2 goes (1 is held)
            assertThat(cache.commits()).containsExactlyInAnyOrder(commit(1), commit(3));
            assertThat(cache.directory().resolve(commit(2))).doesNotExist();
            held.close();
            cache.acquire(commit(4), dir -> fill(dir, 100)).close(); // now 1 is the oldest not in use
            assertThat(cache.commits()).containsExactlyInAnyOrder(commit(3), commit(4));
            assertThat(cache.totalBytes()).isEqualTo(200);
        }
    }

    @Test
    void aFailedFillLeavesNothingAndEveryWaiterGetsItsError() throws Exception {
        try (CheckoutCache cache = new CheckoutCache(tmp.resolve("c"), 1 << 20, Clock.systemUTC())) {
            assertThatThrownBy(() -> cache.acquire(commit(5), dir -> {
                fill(dir, 10);
                throw new CheckoutException(ErrorCode.NOT_FOUND, "gone");
            })).isInstanceOf(CheckoutException.class).hasMessage("gone");
            try (var left = Files.list(cache.directory())) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly(".lock");
            }
            assertThatThrownBy(() -> cache.acquire("HEAD", dir -> { })).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void aSecondCacheOnTheSameDirectoryUsesAPrivateOneAndAReopenedCacheKeepsItsCheckouts() throws Exception {
        Path dir = tmp.resolve("c");
        try (CheckoutCache first = new CheckoutCache(dir, 1 << 20, Clock.systemUTC())) {
            first.acquire(commit(7), d -> fill(d, 10)).close();
            try (CheckoutCache second = new CheckoutCache(dir, 1 << 20, Clock.systemUTC())) {
                assertThat(second.directory()).isNotEqualTo(first.directory()).startsWith(first.directory());
                assertThat(second.commits()).isEmpty();
            }
        }
        Files.createDirectories(dir.resolve(".tmp-crashed"));
        try (CheckoutCache reopened = new CheckoutCache(dir, 1 << 20, Clock.systemUTC())) {
            assertThat(reopened.commits()).containsExactly(commit(7));
            assertThat(reopened.totalBytes()).isEqualTo(10);
            assertThat(dir.resolve(".tmp-crashed")).doesNotExist();
        }
    }

    /** A checkout with history is another entry than the commit's shallow one, and survives a reopen as such. */
    @Test
    void aCheckoutWithHistoryIsKeptApartFromTheShallowOne() throws Exception {
        Path dir = tmp.resolve("h");
        try (CheckoutCache cache = new CheckoutCache(dir, 1 << 20, Clock.systemUTC())) {
            cache.acquire(commit(5), d -> fill(d, 10)).close();
            try (CheckoutCache.Lease full = cache.acquire(commit(5) + CheckoutCache.WITH_HISTORY, d -> fill(d, 30))) {
                assertThat(full.path().getFileName().toString()).isEqualTo(commit(5) + "-history");
            }
            assertThat(cache.totalBytes()).isEqualTo(40);
            assertThatThrownBy(() -> cache.acquire(commit(5) + "-other", d -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        try (CheckoutCache reopened = new CheckoutCache(dir, 1 << 20, Clock.systemUTC())) {
            assertThat(reopened.commits()).containsExactlyInAnyOrder(commit(5), commit(5) + "-history");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
