package io.mcpca.shared.tools;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The tools this build offers, loaded from the {@code tools/*.json} contract files on the classpath. */
public final class ToolCatalog {

    /** The contract files, in the order tools are listed to clients. */
    static final List<String> TOOL_FILES = List.of("calculate-metrics", "analyze-metrics", "analyze-files",
            "analyze-repository", "symbols", "search-symbols", "ping",
            "submit-batch", "batch-status", "batch-results", "cancel-batch", "list-batches",
            "store-codebase-insight", "retrieve-codebase-insights", "update-codebase-insight",
            "create-session", "get-session-info", "get-session-history", "clear-session", "list-sessions",
            "analyze-dependencies",
            "analyze-history", "hotspots", "socio-technical-analysis", "change-coupling", "evolution-pathway",
            "analyze-quality", "list-quality-rules",
            "search-code", "get-file", "folder-structure", "project-info",
            "visualize-code-structure", "visualize-dependencies", "build-knowledge-graph", "query-knowledge-graph",
            "export-knowledge-graph",
            "cross-repo-analysis",
            "generate-report");

    private final Map<String, ToolDescriptor> tools;
    private final List<String> order;

    public ToolCatalog(Collection<ToolDescriptor> tools) {
        Map<String, ToolDescriptor> byName = new LinkedHashMap<>();
        tools.forEach(t -> byName.put(t.name(), t));
        this.tools = Map.copyOf(byName);
        this.order = List.copyOf(byName.keySet());
    }

    public static ToolCatalog builtIn() {
        ObjectMapper mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
        return new ToolCatalog(TOOL_FILES.stream().map(name -> read(mapper, name)).toList());
    }

    public List<ToolDescriptor> all() {
        return order.stream().map(tools::get).toList();
    }

    public Optional<ToolDescriptor> find(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    /** Names of the tools whose contract is sessionless (run without session lease, write or record). */
    public Set<String> sessionlessNames() {
        return all().stream().filter(ToolDescriptor::sessionless).map(ToolDescriptor::name)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** Tools run by the given pools. */
    public List<ToolDescriptor> inPools(Collection<String> pools) {
        return all().stream().filter(t -> pools.contains(t.pool())).toList();
    }

    private static ToolDescriptor read(ObjectMapper mapper, String name) {
        String resource = "tools/" + name + ".json";
        try (InputStream in = ToolCatalog.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("tool contract missing from the classpath: " + resource);
            }
            return mapper.readValue(in, ToolDescriptor.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tool contract " + resource, e);
        }
    }
}
