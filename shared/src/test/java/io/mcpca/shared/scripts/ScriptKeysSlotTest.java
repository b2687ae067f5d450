package io.mcpca.shared.scripts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lettuce.core.cluster.SlotHash;
import io.mcpca.shared.keys.Keys;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Lua script can run on a Redis Cluster: it touches only the keys it is given (every {@code redis.call}'s
 * key is a {@code KEYS[i]} within its count), and the keys its call sites give it (declared below, as built by
 * the call sites through {@link Keys}) lie in one slot for every representative id. A new script fails here
 * until it is declared. Slots by Lettuce's {@link SlotHash} (CRC16 of the hash tag).
 */
class ScriptKeysSlotTest {

    /** Ids with what breaks hash tags: braces, non-ASCII, a long one, a UUID. */
    private static final List<String> IDS = List.of("s", "alice-1", "a}b", "{x}", "ümlaut", "x".repeat(300),
            "5b0e6c5a-7d2b-4a55-9f1e-0c6d6d3a1f00", "tok:principal");

    /** Each script's keys as its call site builds them, for one id (session, batch, principal, request or pool). */
    private static final Map<String, Function<String, String[]>> CALL_SITES = new LinkedHashMap<>();

    static {
        Keys k = new Keys("mcpca");
        // shared: CallStart.keysOf, CallFinish.keysOf, ExecutionStore, SessionLock
        CALL_SITES.put("startCall-3", id -> new String[] {k.lock(id), k.fence(id), k.execution(id, "r-" + id)});
        CALL_SITES.put("finishCall-4", id -> new String[] {k.session(id), k.fence(id), k.lock(id),
                k.execution(id, "r-" + id)});
        CALL_SITES.put("transitionExecution-1", id -> new String[] {k.execution(id, "r1")});
        CALL_SITES.put("releaseLock-1", id -> new String[] {k.lock(id)});
        CALL_SITES.put("extendLock-1", id -> new String[] {k.lock(id)});
        // ingress: SessionDirectory, InsightStore, BatchStore
        CALL_SITES.put("createSession-1", id -> new String[] {k.session(id)});
        CALL_SITES.put("ownSession-1", id -> new String[] {k.session(id)});
        CALL_SITES.put("saveInsight-2", id -> new String[] {k.insight(id, "i-" + id), k.insightsOf(id)});
        CALL_SITES.put("createBatch-1", id -> new String[] {k.batch(id)});
        CALL_SITES.put("indexBatch-1", id -> new String[] {k.batchesOf(id)});
        // workers: BatchOutcomes.Prepared.keys, ShardRecords, ClaimRefresher
        CALL_SITES.put("recordBatchItem-2", id -> new String[] {k.batch(id), k.batchItems(id)});
        CALL_SITES.put("beginShards-1", id -> new String[] {k.shards(id)});
        CALL_SITES.put("storeShard-1", id -> new String[] {k.shards(id)});
        CALL_SITES.put("refreshClaims-1", id -> new String[] {k.requestStream(id, 3)});
    }

    private static final Pattern CALL = Pattern.compile("redis\\.p?call\\(\\s*'([A-Za-z]+)'\\s*(?:,\\s*([^,)]+))?");
    private static final Pattern KEY_REF = Pattern.compile("KEYS\\[(\\d+)]");

    @Test
    void everyScriptIsDeclaredWithItsCallSitesKeys() {
        assertThat(CALL_SITES.keySet()).containsExactlyInAnyOrderElementsOf(scriptNames());
        CALL_SITES.forEach((name, keysOf) -> assertThat(keysOf.apply("s")).as(name)
                .hasSize(LuaScript.load(name + ".lua").numKeys()));
    }

    @Test
    void everyScriptsKeysShareOneSlotForEveryId() {
        CALL_SITES.forEach((name, keysOf) -> {
            LuaScript script = LuaScript.load(name + ".lua");
            for (String id : IDS) {
                String[] keys = keysOf.apply(id);
                Set<Integer> slots = new HashSet<>();
                for (String key : keys) {
                    slots.add(SlotHash.getSlot(key));
                }
                assertThat(slots).as("%s with id %s: keys %s", name, id, List.of(keys)).hasSize(1);
                script.checkKeys(keys); // and the guard every run goes through agrees
            }
        });
    }

    @Test
    void everyScriptTouchesOnlyTheKeysItIsGiven() {
        for (String name : scriptNames()) {
            String source = source(name);
            int numKeys = LuaScript.load(name + ".lua").numKeys();
            Matcher call = CALL.matcher(source);
            int calls = 0;
            while (call.find()) {
                calls++;
                String command = call.group(1).toUpperCase();
                String firstArgument = call.group(2) == null ? "" : call.group(2).strip();
                Matcher ref = KEY_REF.matcher(firstArgument);
                assertThat(ref.matches()).as("%s: %s takes %s as its key, not a KEYS[i]", name, command,
                        firstArgument).isTrue();
                assertThat(Integer.parseInt(ref.group(1))).as("%s: %s", name, firstArgument).isBetween(1, numKeys);
            }
            assertThat(calls).as("%s calls Redis", name).isPositive();
            Matcher any = KEY_REF.matcher(source);
            while (any.find()) {
                assertThat(Integer.parseInt(any.group(1))).as("%s: KEYS[%s]", name, any.group(1))
                        .isBetween(1, numKeys);
            }
        }
    }

    @Test
    void keysInTwoSlotsAreRefusedBeforeRedisSeesThem() {
        Keys k = new Keys("mcpca");
        LuaScript finish = LuaScript.load("finishCall-4.lua");
        assertThatIllegalArgumentException().isThrownBy(() -> finish.checkKeys(new String[] {k.session("a"),
                        k.fence("a"), k.lock("b"), k.execution("a", "r1")}))
                .withMessageContaining("different cluster slots");
        assertThatIllegalArgumentException().isThrownBy(() -> finish.checkKeys(new String[] {k.session("a")}))
                .withMessageContaining("takes 4 keys, got 1");
    }

    @Test
    void eachPoolsPartitionsSpreadOverTheMastersOfADefaultThreeMasterCluster() {
        // redis-cli --cluster create with 3 masters gives them slots 0-5460, 5461-10922, 10923-16383
        Keys k = new Keys("mcpca");
        for (String pool : List.of("fast", "heavy", "ingress")) {
            Set<Integer> masters = new TreeSet<>();
            for (int n = 0; n < 4; n++) {
                int slot = SlotHash.getSlot(k.requestStream(pool, n));
                masters.add(slot <= 5460 ? 1 : slot <= 10922 ? 2 : 3);
            }
            assertThat(masters).as("masters holding pool %s's 4 partitions", pool).containsExactly(1, 2, 3);
        }
    }

    private static List<String> scriptNames() {
        try (Stream<Path> files = Files.list(luaDirectory())) {
            return files.map(p -> p.getFileName().toString()).filter(f -> f.endsWith(".lua"))
                    .map(f -> f.substring(0, f.length() - ".lua".length())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String source(String name) {
        try {
            return Files.readString(luaDirectory().resolve(name + ".lua"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path luaDirectory() {
        try {
            return Path.of(LuaScript.class.getClassLoader().getResource("lua/startCall-3.lua").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
