package io.mcpca.workers.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpca.shared.redis.RedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.mcpca.shared.keys.Keys;
import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.redis.RedisConnections;
import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.JsonBytes;
import io.mcpca.shared.wire.ToolRequest;
import io.mcpca.workers.run.AnalyzerBuild;
import io.mcpca.workers.run.AnalyzerOutcome;
import io.mcpca.workers.run.AnalyzerPool;
import io.mcpca.workers.run.ProgressListener;
import io.mcpca.workers.run.ToolRunner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The two-level result cache on a real Redis, with the real analyzer behind a ToolRunner. */
class ResultCacheIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path root;

    static AnalyzerPool analyzers;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @BeforeAll
    static void startAnalyzers() {
        analyzers = new AnalyzerPool(Path.of(System.getProperty("mcpca.analyzer.path",
                "../rust-workers/target/release/mcpca-analyzer")), 1);
    }

    @AfterAll
    static void stopAnalyzers() {
        analyzers.close();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    /** One "process": its own Redis client, cache and invalidation listener. */
    private TieredResultCache cache(Keys keys, Duration ttl, SimpleMeterRegistry meters) {
        return cache(keys, ttl, meters, "build-1");
    }

    private TieredResultCache cache(Keys keys, Duration ttl, SimpleMeterRegistry meters, String analyzerBuild) {
        RedisConnections client = new RedisConnections(REDIS.uri());
        closing.add(client::close);
        RedisConnection<String, byte[]> connection =
                client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
        TieredResultCache cache = new TieredResultCache(connection.sync(), keys,
                Set.of("calculate-metrics", "analyze-metrics"), ttl, 1 << 20, 1024, analyzerBuild, meters);
        closing.add(new CacheInvalidations(client.pubSub(), keys, cache::dropLocal));
        return cache;
    }

    private static ToolRequest request(String tool, Map<String, Object> arguments) {
        String id = UUID.randomUUID().toString();
        return new ToolRequest(ToolRequest.VERSION, id, "s1", tool,
                arguments, "unused", System.currentTimeMillis() + 30_000);
    }

    /** A result read here only to check it (the worker passes it on as bytes). */
    private static Map<String, Object> read(JsonBytes result) throws IOException {
        return new ObjectMapper().readValue(result.utf8(), new TypeReference<>() { });
    }

    private static double count(SimpleMeterRegistry meters, String level, String outcome) {
        return meters.get("mcpca.cache.lookups").tag("level", level).tag("outcome", outcome).counter().count();
    }

    @Test
    void theSecondIdenticalCallIsAHitAndAnEditedFileIsAMiss() throws IOException {
        Files.writeString(root.resolve("A.java"), "class A {\n  int f(int x) { return x > 0 ? 1 : 2; }\n}\n");
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TieredResultCache cache = cache(new Keys(REDIS.newPrefix()), Duration.ofMinutes(5), meters);
        ToolRunner runner = new ToolRunner(ToolCatalog.builtIn(), new PathGuard(List.of(root)), analyzers,
                Clock.systemUTC(), cache);

        AnalyzerOutcome first = runner.run(request("calculate-metrics", Map.of("path", "A.java")), ProgressListener.NONE);
        AnalyzerOutcome second = runner.run(request("calculate-metrics", Map.of("path", "A.java")), ProgressListener.NONE);
        assertThat(first.succeeded()).as(first.errorMessage()).isTrue();
        assertThat(first.fromCache()).isFalse();
        assertThat(second.fromCache()).isTrue();
        assertThat(second.result()).isEqualTo(first.result());
        assertThat(read(second.result())).containsEntry("path", "A.java");
        assertThat(count(meters, "l1", "hit")).isEqualTo(1.0);
        assertThat(count(meters, "l2", "miss")).isEqualTo(1.0);

        Files.writeString(root.resolve("A.java"), "class A {\n  int f() { return 1; }\n  int g() { return 2; }\n}\n");
        AnalyzerOutcome edited = runner.run(request("calculate-metrics", Map.of("path", "A.java")), ProgressListener.NONE);
        assertThat(edited.fromCache()).isFalse();
        assertThat((List<?>) read(edited.result()).get("functions")).hasSize(2);

        AnalyzerOutcome ping = runner.run(request("ping", Map.of()), ProgressListener.NONE);
        AnalyzerOutcome pingAgain = runner.run(request("ping", Map.of()), ProgressListener.NONE);
        assertThat(ping.fromCache() || pingAgain.fromCache()).as("ping is never cached").isFalse();
    }

    @Test
    void anotherProcessFindsTheResultInRedisAndDropsItsCopyOnInvalidation() {
        Keys keys = new Keys(REDIS.newPrefix());
        TieredResultCache one = cache(keys, Duration.ofMinutes(5), new SimpleMeterRegistry());
        SimpleMeterRegistry otherMeters = new SimpleMeterRegistry();
        TieredResultCache other = cache(keys, Duration.ofMinutes(5), otherMeters);
        String digest = new ResultDigest().of("calculate-metrics", "1", Map.of("content", "x = 1", "language", "python"),
                Optional.empty());
        // large enough to be stored deflated
        JsonBytes result = JsonBytes.of("{\"lines\":{\"code\":1},\"text\":\"" + "abc ".repeat(2000) + "\"}");

        one.put(digest, result);
        assertThat(other.get(digest)).contains(result);
        assertThat(count(otherMeters, "l2", "hit")).isEqualTo(1.0);
        assertThat(other.inL1(digest)).isTrue();

        one.invalidate(digest);
        await().atMost(Duration.ofSeconds(5)).until(() -> !other.inL1(digest));
        assertThat(other.get(digest)).isEmpty();

        other.put(digest, result);
        one.get(digest);
        assertThat(one.inL1(digest)).isTrue();
        other.invalidateAllLocalCopies();
        await().atMost(Duration.ofSeconds(5)).until(() -> !one.inL1(digest));
    }

    @Test
    void clearingTheCacheRemovesEveryResultFromRedisAndEveryProcess() {
        Keys keys = new Keys(REDIS.newPrefix());
        TieredResultCache one = cache(keys, Duration.ofMinutes(5), new SimpleMeterRegistry());
        TieredResultCache other = cache(keys, Duration.ofMinutes(5), new SimpleMeterRegistry());
        List<String> digests = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) { // more than one SCAN page
            String digest = "d" + i;
            digests.add(digest);
            one.put(digest, JsonBytes.of("{\"n\":" + i + "}"));
        }
        assertThat(other.get("d7")).contains(JsonBytes.of("{\"n\":7}"));
        REDIS.sync().set(keys.session("unrelated"), "kept");

        assertThat(other.clearAll()).isEqualTo(2_500);

        assertThat(REDIS.sync().keys(keys.resultPattern())).isEmpty();
        assertThat(REDIS.sync().get(keys.session("unrelated"))).isEqualTo("kept");
        assertThat(other.inL1("d7")).isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> digests.stream().noneMatch(one::inL1));
        assertThat(one.get("d3")).isEmpty();
    }

    @Test
    void anotherAnalyzerBuildNeverSeesTheResultsOfThePreviousOne() {
        Keys keys = new Keys(REDIS.newPrefix());
        TieredResultCache before = cache(keys, Duration.ofMinutes(5), new SimpleMeterRegistry(), "build-1");
        TieredResultCache after = cache(keys, Duration.ofMinutes(5), new SimpleMeterRegistry(), "build-2");
        ToolDescriptor tool = ToolCatalog.builtIn().find("calculate-metrics").orElseThrow();
        Map<String, Object> args = Map.of("content", "x = 1", "language", "python");

        String oldKey = before.keyOf(tool, args, Optional.empty()).orElseThrow();
        assertThat(before.keyOf(tool, args, Optional.empty())).contains(oldKey);
        assertThat(after.keyOf(tool, args, Optional.empty()).orElseThrow()).isNotEqualTo(oldKey);
    }

    @Test
    void theBuildOfABinaryIsItsContentHash(@TempDir Path dir) throws IOException {
        Path a = Files.writeString(dir.resolve("a"), "analyzer one");
        Path b = Files.writeString(dir.resolve("b"), "analyzer two");
        Path c = Files.writeString(dir.resolve("c"), "analyzer one");
        assertThat(AnalyzerBuild.of(a)).hasSize(16).isEqualTo(AnalyzerBuild.of(c)).isNotEqualTo(AnalyzerBuild.of(b));
        assertThat(AnalyzerBuild.of(dir.resolve("missing"))).isEqualTo("unknown");
    }

    @Test
    void resultsExpireAfterTheirTtl() {
        Keys keys = new Keys(REDIS.newPrefix());
        TieredResultCache cache = cache(keys, Duration.ofMillis(400), new SimpleMeterRegistry());
        RedisConnections client = new RedisConnections(REDIS.uri());
        closing.add(client::close);
        var redis = client.strings().sync();
        String digest = "d" + UUID.randomUUID();

        cache.put(digest, JsonBytes.of("{\"ok\":true}"));
        assertThat(redis.pttl(keys.result(digest))).isBetween(1L, 400L);
        assertThat(cache.get(digest)).isPresent();
        await().atMost(Duration.ofSeconds(5)).until(() -> redis.exists(keys.result(digest)) == 0);
        await().atMost(Duration.ofSeconds(5)).until(() -> cache.get(digest).isEmpty());
    }

    @Test
    void directoryDigestsFollowTheFilesUnderThem() throws IOException {
        Path dir = Files.createDirectories(root.resolve("tree"));
        Files.writeString(dir.resolve("a.py"), "x = 1\n");
        String before = ResultDigest.contentHash(dir);
        // the one test of "tree unchanged" (decision 034); its cases are TreeDigestTest's
        assertThat(before).isEqualTo(TreeDigest.of(dir));
        Files.writeString(dir.resolve("b.py"), "y = 2\n");
        assertThat(ResultDigest.contentHash(dir)).isNotEqualTo(before).isEqualTo(TreeDigest.of(dir));
        assertThat(new ResultDigest().of("t", "1", Map.of("a", 1, "b", 2), Optional.empty()))
                .as("argument order does not matter")
                .isEqualTo(new ResultDigest().of("t", "1", new java.util.TreeMap<>(Map.of("b", 2, "a", 1)), Optional.empty()));
    }
}
