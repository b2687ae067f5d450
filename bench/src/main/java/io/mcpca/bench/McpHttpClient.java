package io.mcpca.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java-client half of bench/mcp-http: the official MCP Java SDK client calling the no-op tool {@code ping}
 * on each server named on the command line, one after the other, then the ratios the targets of issue 13 name.
 * Arguments: {@code sequentialCalls inFlight throughputCalls name=baseUrl[#via]...}; names {@code a}, {@code b},
 * {@code c} get the ratios (a: this server through the pipeline, b: the SDK in-process, c: the TypeScript SDK).
 * Every call is {@code ping} with {@code {"via": via}}, {@code worker} unless the server's spec names another
 * after {@code #} (a fragment is never sent): this server answers {@code via: worker} in the worker and
 * {@code via: analyzer} through a warm analyzer process; the no-op servers accept and ignore the argument.
 */
public final class McpHttpClient {

    /** One server of the command line: its name, its base URL, the {@code via} argument of its calls. */
    record Server(String name, String url, Map<String, Object> arguments) {
        static Server parse(String spec) {
            String[] named = spec.split("=", 2);
            String[] url = named[1].split("#", 2);
            return new Server(named[0], url[0], Map.of("via", url.length > 1 ? url[1] : "worker"));
        }
    }

    public static void main(String[] args) throws Exception {
        // the SDK client logs every initialize at INFO on stdout, where the numbers go
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
        int sequential = Integer.parseInt(args[0]);
        int inFlight = Integer.parseInt(args[1]);
        int throughputCalls = Integer.parseInt(args[2]);
        List<Server> servers = java.util.Arrays.stream(args, 3, args.length).map(Server::parse).toList();
        Map<String, McpCalls.Result> results = new LinkedHashMap<>();
        System.out.printf("%-34s %9s %9s %9s%n", "java client -> server", "p50 ms", "p99 ms", "calls/s");
        // One unmeasured pass over every server first: the client JVM is still compiling its HTTP and JSON paths
        // during the first server's calls, which made the first server (a) look ~2 ms slower than the same server
        // measured again later in the same JVM (2026-12-07, decision 011).
        for (Server s : servers) {
            McpCalls.measure(s.url(), "ping", s.arguments(), 0, Math.min(2_000, sequential), inFlight,
                    Math.min(5_000, throughputCalls));
        }
        for (Server s : servers) {
            McpCalls.Result r = McpCalls.measure(s.url(), "ping", s.arguments(), Math.min(1_000, sequential),
                    sequential, inFlight, throughputCalls);
            results.put(s.name(), r);
            System.out.printf("%-34s %9.3f %9.3f %9.0f%n", "java -> " + s.name() + " (via " + s.arguments().get("via")
                    + ")", r.p50(), r.p99(), r.perSecond());
        }
        McpCalls.Result a = results.get("a"), b = results.get("b"), c = results.get("c");
        if (a != null && b != null) {
            System.out.printf("java: a - b p50 %+.3f ms (target <= +0.5); a / b calls/s %.2f (target >= 0.80)%n",
                    a.p50() - b.p50(), a.perSecond() / b.perSecond());
        }
        if (a != null && c != null) {
            System.out.printf("java: a / c p50 %.2fx (target <= 1); a / c calls/s %.2f (target >= 1)%n",
                    a.p50() / c.p50(), a.perSecond() / c.perSecond());
        }
        System.exit(0);
    }
}
