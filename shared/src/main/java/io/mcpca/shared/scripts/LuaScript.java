package io.mcpca.shared.scripts;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.api.sync.RedisScriptingCommands;
import io.lettuce.core.cluster.SlotHash;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.Supplier;

/**
 * A Lua script loaded from {@code lua/<verbNoun>-<numKeys>.lua}, run with EVALSHA and re-loaded when
 * the server answers NOSCRIPT (after a restart, a SCRIPT FLUSH or a cluster failover to a replica that never
 * loaded it) by one EVAL of the source, which also caches it. EVAL goes where the keys are; SCRIPT LOAD has no
 * key, and Lettuce sends it to every cluster node, so it fails while a dead master is still a member. Its keys
 * must lie in one cluster slot ({@link #checkKeys}). While a resharding splits that slot's keys between two masters,
 * a cluster refuses the script with TRYAGAIN; the synchronous runs retry it for a bounded time.
 */
public final class LuaScript {

    /** Between runs refused with TRYAGAIN (a slot migrating): a few MIGRATEs of a resharding tool. */
    static final Duration TRYAGAIN_PAUSE = Duration.ofMillis(20);
    /** How long a script keeps being retried while its slot migrates; a healthy migration of a slot takes far less. */
    static final Duration TRYAGAIN_LIMIT = Duration.ofSeconds(2);

    private final String name;
    private final int numKeys;
    private final String source;
    private final String sha;

    private LuaScript(String name, int numKeys, String source) {
        this.name = name;
        this.numKeys = numKeys;
        this.source = source;
        this.sha = sha1Hex(source);
    }

    /** Loads {@code lua/<fileName>}; the key count is read from the file name's {@code -N} suffix. */
    public static LuaScript load(String fileName) {
        String resource = "lua/" + fileName;
        try (InputStream in = LuaScript.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no script on the classpath at " + resource);
            }
            String base = fileName.substring(0, fileName.length() - ".lua".length());
            int numKeys = Integer.parseInt(base.substring(base.lastIndexOf('-') + 1));
            return new LuaScript(base, numKeys, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    public String name() {
        return name;
    }

    public String sha() {
        return sha;
    }

    /** Runs the script and returns its integer result. */
    public long runForLong(RedisScriptingCommands<String, String> redis, String[] keys, String... args) {
        checkKeys(keys);
        return retryingWhileMigrating(() -> {
            try {
                Long result = redis.evalsha(sha, ScriptOutputType.INTEGER, keys, args);
                return result;
            } catch (RedisNoScriptException e) {
                Long result = redis.eval(source, ScriptOutputType.INTEGER, keys, args);
                return result;
            }
        });
    }

    /** Runs the script and returns its array result (integers as {@code Long}, strings as {@code String}). */
    public java.util.List<Object> runForList(RedisScriptingCommands<String, String> redis, String[] keys,
                                             String... args) {
        checkKeys(keys);
        return retryingWhileMigrating(() -> {
            try {
                return redis.evalsha(sha, ScriptOutputType.MULTI, keys, args);
            } catch (RedisNoScriptException e) {
                return redis.eval(source, ScriptOutputType.MULTI, keys, args);
            }
        });
    }

    /**
     * Whether an asynchronous run ({@link #runAsync}) that failed with {@code failure} should be run once more
     * synchronously ({@link #runForLong}): after NOSCRIPT it reloads the script, after TRYAGAIN (the keys' slot
     * migrating) it retries for a bounded time. Any other failure is the caller's.
     */
    public static boolean worthRunningAgain(Throwable failure) {
        return failure instanceof RedisNoScriptException || slotMigrating(failure);
    }

    /** A cluster's TRYAGAIN: the keys' slot is being migrated and they lie on two masters for now. */
    private static boolean slotMigrating(Throwable failure) {
        return failure instanceof RedisCommandExecutionException
                && String.valueOf(failure.getMessage()).startsWith("TRYAGAIN");
    }

    /**
     * Runs {@code run} again while a cluster answers TRYAGAIN: while a resharding moves the script's slot, a script
     * whose keys lie partly on the old master and partly on the new one is refused (Redis asks the client to retry
     * after a short delay; Lettuce follows MOVED and ASK but not TRYAGAIN). The keys are moved a few at a time, so the
     * split lasts milliseconds; after {@link #TRYAGAIN_LIMIT} the refusal is thrown, saying so.
     */
    private <T> T retryingWhileMigrating(Supplier<T> run) {
        long until = System.nanoTime() + TRYAGAIN_LIMIT.toNanos();
        while (true) {
            try {
                return run.get();
            } catch (RedisCommandExecutionException e) {
                if (!slotMigrating(e)) {
                    throw e;
                }
                if (System.nanoTime() - until >= 0) {
                    throw new RedisCommandExecutionException("script " + name + ": its keys' cluster slot was still "
                            + "being migrated after " + TRYAGAIN_LIMIT.toMillis() + " ms of retries (" + e.getMessage()
                            + ")", e);
                }
                try {
                    Thread.sleep(TRYAGAIN_PAUSE.toMillis());
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /**
     * Queues the script on {@code redis} without waiting (for pipelines of async commands). A NOSCRIPT or TRYAGAIN
     * failure is the caller's to handle ({@link #worthRunningAgain}): run it again with {@link #runForLong}, which
     * reloads it or waits out the migration.
     */
    public RedisFuture<Long> runAsync(RedisScriptingAsyncCommands<String, String> redis, String[] keys,
                                      String... args) {
        checkKeys(keys);
        return redis.evalsha(sha, ScriptOutputType.INTEGER, keys, args);
    }

    /**
     * Refuses keys a script cannot take: a count other than the file name's, or keys in more than one Redis
     * Cluster slot (a cluster refuses such a script with CROSSSLOT; a single node would run it, so the rule is
     * checked here, on every run in every mode, and a test caught breaking it anywhere).
     */
    void checkKeys(String[] keys) {
        if (keys.length != numKeys) {
            throw new IllegalArgumentException(name + " takes " + numKeys + " keys, got " + keys.length);
        }
        for (int i = 1; i < keys.length; i++) {
            if (SlotHash.getSlot(keys[i]) != SlotHash.getSlot(keys[0])) {
                throw new IllegalArgumentException(name + ": keys " + keys[0] + " and " + keys[i]
                        + " are in different cluster slots; a script's keys must share one hash tag");
            }
        }
    }

    /** How many keys the script takes (its file name's {@code -N}). */
    public int numKeys() {
        return numKeys;
    }

    private static String sha1Hex(String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }
}
