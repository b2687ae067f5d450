package io.mcpca.app.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of the CLI commands that talk to Redis directly ({@code cache}, {@code sessions}):
 * {@code --redis-url URL} (else {@code REDIS_URL}, else 127.0.0.1:6379), {@code --prefix P} (else mcpca), and a
 * command's own {@code --name value} options. Every option takes a value; anything else is a usage error.
 */
final class RedisOptions {

    private static final String URL = "--redis-url";
    private static final String PREFIX = "--prefix";

    private final Map<String, String> values;

    private RedisOptions(Map<String, String> values) {
        this.values = values;
    }

    /**
     * Reads {@code args} from index {@code from} on.
     *
     * @param own the command's options besides {@code --redis-url} and {@code --prefix}
     * @throws IllegalArgumentException saying what is wrong (an unknown option, one without a value)
     */
    static RedisOptions parse(String[] args, int from, Set<String> own) {
        Set<String> known = new TreeSet<>(own);
        known.add(URL);
        known.add(PREFIX);
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = from; i < args.length; i += 2) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            if (value.isBlank() && args[i].startsWith("--")) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            if (!known.contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            values.put(args[i], value);
        }
        return new RedisOptions(values);
    }

    /** The Redis as given (for messages). */
    String url() {
        return values.getOrDefault(URL, System.getenv().getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
    }

    /** The Redis as a URI Lettuce takes ({@code host:port} gets its scheme). */
    String uri() {
        String url = url();
        return url.contains("://") ? url : "redis://" + url;
    }

    String prefix() {
        return values.getOrDefault(PREFIX, "mcpca");
    }

    /** A command's own option, if given. */
    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }
}
