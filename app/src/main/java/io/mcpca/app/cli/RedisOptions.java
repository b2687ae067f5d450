package io.mcpca.app.cli;

import io.mcpca.shared.config.McpcaProperties;
import io.mcpca.shared.redis.RedisClientSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The options of the CLI commands that talk to Redis directly ({@code cache}, {@code sessions}):
 * {@code --redis-url URL} (else {@code REDIS_URL}, else 127.0.0.1:6379), {@code --prefix P} (else mcpca), and a
 * command's own {@code --name value} options. Every option takes a value; anything else is a usage error. What a
 * production Redis needs beyond the URL (TLS files, the Sentinels' password) comes from the environment variables the
 * server reads too ({@code MCPCA_REDIS_TLS_CA_FILE}, {@code MCPCA_REDIS_SENTINEL_PASSWORD}, ...), bound by the same
 * rules.
 */
final class RedisOptions {

    private static final String URL = "--redis-url";
    private static final String PREFIX = "--prefix";

    private final Map<String, String> values;
    private final Map<String, String> env;

    private RedisOptions(Map<String, String> values, Map<String, String> env) {
        this.values = values;
        this.env = env;
    }

    /**
     * Reads {@code args} from index {@code from} on.
     *
     * @param own the command's options besides {@code --redis-url} and {@code --prefix}
     * @throws IllegalArgumentException saying what is wrong (an unknown option, one without a value)
     */
    static RedisOptions parse(String[] args, int from, Set<String> own) {
        return parse(args, from, own, System.getenv());
    }

    /** As above, with the environment given. */
    static RedisOptions parse(String[] args, int from, Set<String> own, Map<String, String> env) {
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
        return new RedisOptions(values, env);
    }

    /** The Redis as given (for messages). */
    String url() {
        return values.getOrDefault(URL, env.getOrDefault("REDIS_URL", "redis://127.0.0.1:6379"));
    }

    /** The Redis as a URI Lettuce takes ({@code host:port} gets its scheme). */
    String uri() {
        String url = url();
        return url.contains("://") ? url : "redis://" + url;
    }

    /**
     * {@code mcpca.redis.*} as the server binds it, from the environment ({@code MCPCA_REDIS_TLS_CA_FILE} is
     * {@code mcpca.redis.tls.ca-file}).
     *
     * @throws IllegalArgumentException when a value is malformed or names a file that cannot be read
     */
    RedisClientSettings settings() {
        Binder binder = new Binder(ConfigurationPropertySources.from(
                new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, Map.copyOf(env))));
        try {
            return binder.bind("mcpca.redis", McpcaProperties.Redis.class).orElseGet(McpcaProperties.Redis::new)
                    .clientSettings();
        } catch (BindException e) {
            throw new IllegalArgumentException(e.getMessage()
                    + (e.getCause() == null ? "" : ": " + e.getCause().getMessage()), e);
        }
    }

    String prefix() {
        return values.getOrDefault(PREFIX, "mcpca");
    }

    /** A command's own option, if given. */
    Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }
}
