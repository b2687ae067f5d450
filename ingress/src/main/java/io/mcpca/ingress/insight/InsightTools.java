package io.mcpca.ingress.insight;

import io.mcpca.ingress.mcp.IngressAnswered;
import io.mcpca.ingress.mcp.ToolHandler;
import io.mcpca.shared.paths.PathRejectedException;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The codebase-insight tools, answered by the ingress from Redis: {@code store-codebase-insight},
 * {@code update-codebase-insight} (compare-and-set on the version) and {@code retrieve-codebase-insights} (by
 * repository, tag, text, anchor and recency, paged). Every retrieved anchor is hashed again: one whose file changed
 * since it was stored is marked stale, so an agent learns which of its notes went out of date.
 */
public final class InsightTools {

    /** The tools this class answers. */
    public static final Set<String> NAMES = Set.of("store-codebase-insight", "update-codebase-insight",
            "retrieve-codebase-insights");

    private static final SecureRandom IDS = new SecureRandom();
    static final int DEFAULT_LIMIT = 20;
    /** Insights one retrieve looks at before it answers with a cursor: each costs a read and a hash per anchor. */
    static final int MAX_SCAN = 500;

    private final InsightStore store;
    private final AnchorHashes hashes;
    private final InsightLimits limits;
    private final Clock clock;

    public InsightTools(io.lettuce.core.cluster.api.sync.RedisClusterCommands<String, String> redis, io.mcpca.shared.keys.Keys keys,
                        io.mcpca.shared.paths.PathGuard paths, InsightLimits limits, Clock clock) {
        this.store = new InsightStore(redis, keys, limits, clock);
        this.hashes = new AnchorHashes(paths, limits.maxAnchoredFileBytes());
        this.limits = limits;
        this.clock = clock;
    }

    /** The handler of one insight tool (Redis and file reads: on a bounded-elastic thread). */
    public ToolHandler handlerFor(ToolDescriptor tool) {
        return IngressAnswered.handler(tool.name(), (name, principal, args, exchange, call) -> switch (name) {
            case "store-codebase-insight" -> store(principal, args);
            case "update-codebase-insight" -> update(principal, args);
            case "retrieve-codebase-insights" -> retrieve(principal, args);
            default -> throw new InsightRefused(ErrorCode.UNKNOWN_TOOL, "unknown tool: " + name);
        });
    }

    private Map<String, Object> store(String principal, Map<String, Object> args) {
        Path repository = hashes.repository((String) args.get("repository"));
        long now = clock.millis();
        Insight insight = new Insight(newId(), hashes.repositoryName(repository), text(args.get("text")),
                tags(args.get("tags")), anchors(repository, args.get("anchors")), confidence(args.get("confidence"), 1.0),
                0, now, now);
        Insight saved = store.save(principal, insight, 0);
        return Map.of("id", saved.id(), "version", saved.version(), "repository", saved.repository(),
                "anchors", saved.anchors().size());
    }

    private Map<String, Object> update(String principal, Map<String, Object> args) {
        String id = id(args.get("id"));
        long expected = ((Number) args.get("expectedVersion")).longValue();
        Insight current = store.get(principal, id).orElseThrow(() -> InsightStore.notFound(id));
        Path repository = hashes.repository(current.repository());
        List<Insight.Anchor> anchors = args.containsKey("anchors") ? anchors(repository, args.get("anchors"))
                : Boolean.TRUE.equals(args.get("refreshAnchors")) ? refreshed(repository, current.anchors())
                : current.anchors();
        Insight changed = new Insight(id, current.repository(),
                args.containsKey("text") ? text(args.get("text")) : current.text(),
                args.containsKey("tags") ? tags(args.get("tags")) : current.tags(), anchors,
                confidence(args.get("confidence"), current.confidence()), current.version(), current.createdAtMs(),
                current.updatedAtMs());
        Insight saved = store.save(principal, changed, expected);
        return Map.of("id", id, "version", saved.version());
    }

    private Map<String, Object> retrieve(String principal, Map<String, Object> args) {
        int limit = args.get("limit") instanceof Number n ? n.intValue() : DEFAULT_LIMIT;
        long offset = cursor(args.get("cursor"));
        Filter filter = Filter.of(args, this::repositoryFilter);
        List<Map<String, Object>> found = new ArrayList<>();
        long position = offset;
        long scanned = 0;
        boolean more = true;
        if (args.get("id") instanceof String id) {
            store.get(principal, id(id)).filter(filter::matches).map(this::withStaleness)
                    .filter(filter::staleness).ifPresent(found::add);
            more = false;
        }
        while (more && found.size() < limit && scanned < MAX_SCAN) {
            List<String> ids = store.recent(principal, position, (int) Math.min(100, MAX_SCAN - scanned));
            more = !ids.isEmpty();
            for (String id : ids) {
                position++;
                scanned++;
                store.get(principal, id).filter(filter::matches).map(this::withStaleness)
                    .filter(filter::staleness).ifPresent(found::add);
                if (found.size() == limit) {
                    break;
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("insights", found);
        out.put("scanned", scanned);
        if (more && !store.recent(principal, position, 1).isEmpty()) {
            out.put("nextCursor", Long.toString(position));
        }
        return out;
    }

    /** The insight as answered: every anchor hashed again, stale when its file changed or is gone. */
    private Map<String, Object> withStaleness(Insight insight) {
        Path repository;
        try {
            repository = hashes.repository(insight.repository());
        } catch (InsightRefused | PathRejectedException gone) {
            repository = null;
        }
        List<Map<String, Object>> anchors = new ArrayList<>();
        boolean anyStale = false;
        for (Insight.Anchor anchor : insight.anchors()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("file", anchor.file());
            if (!anchor.symbol().isEmpty()) {
                out.put("symbol", anchor.symbol());
            }
            if (anchor.startLine() > 0) {
                out.put("startLine", anchor.startLine());
                out.put("endLine", anchor.endLine());
            }
            AnchorHashes.Hash now = repository == null ? new AnchorHashes.Hash("", AnchorHashes.Missing.DELETED)
                    : hashes.of(repository, anchor.file());
            boolean stale = !now.present() || !now.hex().equals(anchor.contentHash());
            out.put("stale", stale);
            if (stale) {
                out.put("staleReason", now.present() ? "changed" : now.missing().name().toLowerCase(Locale.ROOT));
            }
            anyStale |= stale;
            anchors.add(out);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", insight.id());
        out.put("repository", insight.repository());
        out.put("text", insight.text());
        out.put("tags", insight.tags());
        out.put("confidence", insight.confidence());
        out.put("version", insight.version());
        out.put("createdAt", java.time.Instant.ofEpochMilli(insight.createdAtMs()).toString());
        out.put("updatedAt", java.time.Instant.ofEpochMilli(insight.updatedAtMs()).toString());
        out.put("stale", anyStale);
        out.put("anchors", anchors);
        return out;
    }

    private Optional<String> repositoryFilter(Object requested) {
        return requested instanceof String r ? Optional.of(hashes.repositoryName(hashes.repository(r)))
                : Optional.empty();
    }

    private List<Insight.Anchor> refreshed(Path repository, List<Insight.Anchor> anchors) {
        return anchors.stream().map(a -> new Insight.Anchor(a.file(), a.symbol(), a.startLine(), a.endLine(),
                hashes.require(repository, a.file()))).toList();
    }

    private List<Insight.Anchor> anchors(Path repository, Object value) {
        List<?> given = value instanceof List<?> list ? list : List.of();
        if (given.size() > limits.maxAnchors()) {
            throw new InsightRefused(ErrorCode.BAD_ARGUMENTS, given.size() + " anchors; at most " + limits.maxAnchors()
                    + " (mcpca.insights.max-anchors)");
        }
        List<Insight.Anchor> anchors = new ArrayList<>();
        for (Object item : given) {
            Map<?, ?> anchor = (Map<?, ?>) item;
            String file = ((String) anchor.get("file")).replace('\\', '/');
            int start = anchor.get("startLine") instanceof Number n ? n.intValue() : 0;
            int end = anchor.get("endLine") instanceof Number n ? n.intValue() : start;
            if (end < start) {
                throw new InsightRefused(ErrorCode.BAD_ARGUMENTS, "anchor " + file + ": endLine " + end
                        + " is before startLine " + start);
            }
            anchors.add(new Insight.Anchor(file, anchor.get("symbol") instanceof String s ? s : "", start, end,
                    hashes.require(repository, file)));
        }
        return anchors;
    }

    private String text(Object value) {
        String text = (String) value;
        int bytes = text.getBytes(StandardCharsets.UTF_8).length;
        if (text.isBlank() || bytes > limits.maxTextBytes()) {
            throw new InsightRefused(ErrorCode.BAD_ARGUMENTS, text.isBlank() ? "text must not be blank"
                    : "text is " + bytes + " bytes; at most " + limits.maxTextBytes() + " (mcpca.insights.max-text-bytes)");
        }
        return text;
    }

    private List<String> tags(Object value) {
        List<String> tags = value instanceof List<?> list ? list.stream().map(String::valueOf).distinct().toList()
                : List.of();
        if (tags.size() > limits.maxTags()) {
            throw new InsightRefused(ErrorCode.BAD_ARGUMENTS, tags.size() + " tags; at most " + limits.maxTags()
                    + " (mcpca.insights.max-tags)");
        }
        return tags;
    }

    private static double confidence(Object value, double otherwise) {
        return value instanceof Number n ? n.doubleValue() : otherwise;
    }

    private static String id(Object value) {
        String id = String.valueOf(value);
        if (!id.matches("[0-9a-f]{1,64}")) {
            throw InsightStore.notFound(id);
        }
        return id;
    }

    private static long cursor(Object value) {
        if (value == null) {
            return 0;
        }
        try {
            long offset = Long.parseLong(value.toString());
            if (offset >= 0) {
                return offset;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new InsightRefused(ErrorCode.BAD_ARGUMENTS, "cursor is not one this tool gave: " + value);
    }

    private static String newId() {
        byte[] bytes = new byte[8];
        IDS.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** What a retrieve asks for besides the page: every given criterion must match. */
    private record Filter(Optional<String> repository, List<String> tags, String text, String anchor,
                          boolean staleOnly) {

        static Filter of(Map<String, Object> args, java.util.function.Function<Object, Optional<String>> repository) {
            return new Filter(repository.apply(args.get("repository")),
                    args.get("tags") instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of(),
                    args.get("text") instanceof String s ? s.toLowerCase(Locale.ROOT) : "",
                    args.get("anchor") instanceof String s ? s : "",
                    Boolean.TRUE.equals(args.get("staleOnly")));
        }

        /** The criteria read from the stored insight (before its anchors are hashed again). */
        boolean matches(Insight insight) {
            return repository.map(r -> r.equals(insight.repository())).orElse(true)
                    && insight.tags().containsAll(tags)
                    && insight.text().toLowerCase(Locale.ROOT).contains(text)
                    && (anchor.isEmpty() || insight.anchors().stream().anyMatch(a -> a.file().startsWith(anchor)
                            || anchor.equals(a.symbol())));
        }

        /** {@code staleOnly}, on the answer with its anchors hashed again. */
        boolean staleness(Map<String, Object> answered) {
            return !staleOnly || Boolean.TRUE.equals(answered.get("stale"));
        }
    }
}
