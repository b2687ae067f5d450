package io.mcpca.workers.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.mcpca.shared.redis.RedisConnection;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.workers.run.AnalyzerOutcome;
import io.mcpca.workers.run.AnalyzerPool;
import io.mcpca.workers.run.ProgressListener;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-file results shared between workers through a real Redis: real analyzer processes, each with its own
 * on-disk cache (as on two machines), answering {@code cacheLookup} / {@code cacheStore} through
 * {@link RedisSharedFileResults}.
 */
class SharedFileResultsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Path BINARY = Path.of(System.getProperty("mcpca.analyzer.path",
            "../rust-workers/target/release/mcpca-analyzer"));

    @TempDir
    Path tmp;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private Keys keys;
    private RedisConnections client;
    private Path project;

    @BeforeEach
    void setUp() throws IOException {
        keys = new Keys(REDIS.newPrefix());
        client = new RedisConnections(REDIS.uri());
        closing.add(client::close);
        project = Files.createDirectories(tmp.resolve("project"));
        Files.writeString(project.resolve("A.java"), "class A {\n  int f(int x) { return x > 0 ? 1 : 2; }\n}\n");
        Files.writeString(project.resolve("b.py"), "def g(a):\n    if a:\n        return 1\n    return 2\n");
        Files.writeString(project.resolve("c.js"), "function h(x) { return x && x.y ? 1 : 0; }\n");
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    /** A "worker": its own analyzer process with its own empty cache directory, sharing through Redis. */
    private AnalyzerPool worker(String name, SharedFileResults shared) throws IOException {
        Path cacheDir = Files.createDirectories(tmp.resolve("cache-" + name));
        AnalyzerPool pool = new AnalyzerPool(BINARY, 1, List.of("--cache-dir", cacheDir.toString()), shared);
        closing.add(pool);
        return pool;
    }

    private RedisSharedFileResults redisTier(MeterRegistry meters) {
        RedisConnection<String, byte[]> connection =
                client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        closing.add(connection);
        return new RedisSharedFileResults(connection, keys, Duration.ofMinutes(5), meters);
    }

    /** The result, read here only to check it (the worker passes it on as bytes). */
    private Map<String, Object> analyze(AnalyzerPool pool) throws IOException {
        AnalyzerOutcome outcome = pool.call(UUID.randomUUID().toString(), "analyze-metrics",
                Map.of("path", project.toString()), Duration.ofSeconds(60), ProgressListener.NONE);
        assertThat(outcome.succeeded()).as(outcome.errorMessage()).isTrue();
        return new ObjectMapper().readValue(outcome.result().utf8(), new TypeReference<>() { });
    }

    /**
     * What a worker's tier counted ({@code mcpca.cache.files}): hits, misses and stored files, the counts the
     * analyzer reports on its own {@code cacheStats} line.
     */
    private static void assertCounted(MeterRegistry meters, int hits, int misses, int stored) {
        assertThat(meters.counter("mcpca.cache.files", "outcome", "hit").count()).isEqualTo(hits);
        assertThat(meters.counter("mcpca.cache.files", "outcome", "miss").count()).isEqualTo(misses);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(meters.counter("mcpca.cache.files", "outcome", "stored").count()).isEqualTo(stored));
    }

    /** The analyzer's own cache file of content hash {@code hash} (stored as {@code <hh>/<rest>.json}). */
    private static Path localEntry(Path cacheDir, String hash) throws IOException {
        try (var files = Files.walk(cacheDir)) {
            return files.filter(f -> f.getFileName().toString().equals(hash.substring(2) + ".json")).findFirst()
                    .orElseThrow(() -> new AssertionError("no local cache entry " + hash + " under " + cacheDir));
        }
    }

    private List<String> storedKeys() {
        return client.strings().sync().scan(ScanArgs.Builder.matches(keys.sharedFilePattern()).limit(1000)).getKeys();
    }

    @Test
    void aSecondWorkerReadsWhatTheFirstMeasuredInsteadOfParsing() throws IOException {
        MeterRegistry a = new SimpleMeterRegistry();
        Map<String, Object> first = analyze(worker("a", redisTier(a)));
        assertThat(first).doesNotContainKey("sharedCache");
        assertCounted(a, 0, 3, 3);
        assertThat(storedKeys()).hasSize(3);
        // what Redis holds is, byte for byte, what the first analyzer keeps in its own cache
        var raw = client.strings().sync();
        for (String key : storedKeys()) {
            String hash = key.substring(key.lastIndexOf(':') + 1).replace("}", "");
            Path local = localEntry(tmp.resolve("cache-a"), hash);
            assertThat(raw.get(key)).isEqualTo(Files.readString(local));
        }

        MeterRegistry b = new SimpleMeterRegistry();
        Map<String, Object> second = analyze(worker("b", redisTier(b)));
        assertCounted(b, 3, 0, 0);
        assertThat(second.get("files")).isEqualTo(first.get("files"));
        assertThat(second.get("totals")).isEqualTo(first.get("totals"));
    }

    @Test
    void damagedEntriesInRedisAreMeasuredAgainAndReplaced() throws IOException {
        Map<String, Object> first = analyze(worker("a", redisTier(new SimpleMeterRegistry())));
        var raw = client.strings().sync();
        for (String key : storedKeys()) {
            raw.set(key, "{not json");
        }
        MeterRegistry c = new SimpleMeterRegistry();
        Map<String, Object> again = analyze(worker("c", redisTier(c)));
        // Redis answered all three, none of them JSON: the analyzer measured and stored each again
        assertCounted(c, 3, 0, 3);
        assertThat(again.get("files")).isEqualTo(first.get("files"));
        assertThat(storedKeys()).allSatisfy(key -> assertThat(raw.get(key)).startsWith("{\""));
    }

    @Test
    void withRedisGoneTheAnalyzerMeasuresEverything() throws Exception {
        RedisConnections gone = new RedisConnections(REDIS.uri());
        RedisSharedFileResults tier = new RedisSharedFileResults(
                gone.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE)), keys, Duration.ofMinutes(5),
                new SimpleMeterRegistry());
        AnalyzerPool pool = worker("d", tier);
        gone.close(); // its connection closes: every lookup and store fails at once
        Map<String, Object> result = analyze(pool);
        assertThat(result).doesNotContainKey("sharedCache");
        assertThat((List<?>) result.get("files")).hasSize(3);
        assertThat(storedKeys()).isEmpty();
    }

    @Test
    void withoutSharingRequestsAndResultsAreAsBefore() throws IOException {
        Map<String, Object> result = analyze(worker("e", SharedFileResults.NONE));
        assertThat(result).doesNotContainKey("sharedCache");
        assertThat((List<?>) result.get("files")).hasSize(3);
        assertThat(storedKeys()).isEmpty();
    }
}
