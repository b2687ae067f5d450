package io.mcpca.ingress.batch;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.paths.PathRejectedException;
import io.mcpca.shared.tools.ToolCatalog;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.ErrorCode;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator.ValidationResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Expands {@code submit-batch}'s arguments into its items, in order: {@code items} as given (each tool known to
 * the catalog and run by a worker pool, its arguments checked against the tool's schema), then {@code files}
 * (calculate-metrics of each), {@code paths} (calculate-metrics of every regular file under {@code root} whose
 * root-relative path matches a glob; symlinks are not followed, {@code .git} is skipped), {@code repositories}
 * (analyze-repository of each). Every path argument is confined to the roots here (the worker checks again). Stops
 * at {@code maxItems + 1} items, so a huge tree costs no more than the refusal needs.
 */
public final class BatchItems {

    /** One item: a tool and its arguments, as one call would send them. */
    public record Item(ToolDescriptor tool, Map<String, Object> arguments) {
    }

    static final String FILE_TOOL = "calculate-metrics";
    static final String REPOSITORY_TOOL = "analyze-repository";
    /** Directory entries one {@code paths} walk may visit: a bound on the work a single request can cause. */
    static final int MAX_VISITED = 1_000_000;

    private final ToolCatalog catalog;
    private final PathGuard paths;
    private final int maxItems;
    private final JsonSchemaValidator schemas = McpJsonDefaults.getSchemaValidator();

    public BatchItems(ToolCatalog catalog, PathGuard paths, int maxItems) {
        this.catalog = catalog;
        this.paths = paths;
        this.maxItems = maxItems;
    }

    @SuppressWarnings("unchecked")
    public List<Item> expand(Map<String, Object> arguments) {
        List<Item> items = new ArrayList<>();
        if (arguments.get("items") instanceof List<?> explicit) {
            int i = 0;
            for (Object o : explicit) {
                Map<String, Object> item = (Map<String, Object>) o;
                ToolDescriptor tool = tool(String.valueOf(item.get("tool")), "items[" + i + "]");
                Map<String, Object> args = item.get("arguments") instanceof Map<?, ?> m
                        ? (Map<String, Object>) m : Map.of();
                ValidationResponse check = schemas.validate(tool.inputSchema(), args);
                if (!check.valid()) {
                    throw new BatchRefused(ErrorCode.BAD_ARGUMENTS, "items[" + i + "]: the arguments do not match "
                            + tool.name() + "'s inputSchema: " + check.errorMessage());
                }
                add(items, tool, args, "items[" + i + "]");
                i++;
            }
        }
        if (arguments.get("files") instanceof List<?> files) {
            ToolDescriptor tool = tool(FILE_TOOL, "files");
            for (Object f : files) {
                add(items, tool, Map.of("path", String.valueOf(f)), "files");
            }
        }
        if (arguments.get("paths") instanceof Map<?, ?> tree) {
            expandTree(items, (Map<String, Object>) tree);
        }
        if (arguments.get("repositories") instanceof List<?> repositories) {
            ToolDescriptor tool = tool(REPOSITORY_TOOL, "repositories");
            for (Object r : repositories) {
                Map<String, Object> repo = new LinkedHashMap<>((Map<String, Object>) r);
                if (repo.containsKey("path") == repo.containsKey("url")) {
                    throw new BatchRefused(ErrorCode.BAD_ARGUMENTS, "repositories: each needs exactly one of path, url");
                }
                add(items, tool, repo, "repositories");
            }
        }
        if (items.isEmpty()) {
            throw new BatchRefused(ErrorCode.BAD_ARGUMENTS, "the batch has no items (give items, files, paths or "
                    + "repositories)");
        }
        return items;
    }

    private void expandTree(List<Item> items, Map<String, Object> tree) {
        ToolDescriptor tool = tool(FILE_TOOL, "paths");
        Path root;
        try {
            root = paths.resolve(String.valueOf(tree.get("root")));
        } catch (PathRejectedException e) {
            throw new BatchRefused(e.code(), "paths.root: " + e.getMessage());
        }
        if (!Files.isDirectory(root)) {
            throw new BatchRefused(ErrorCode.NOT_FOUND, "paths.root is not a directory: " + tree.get("root"));
        }
        List<PathMatcher> globs = new ArrayList<>();
        for (Object g : (List<?>) tree.get("globs")) {
            try {
                globs.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
            } catch (IllegalArgumentException e) {
                throw new BatchRefused(ErrorCode.BAD_ARGUMENTS, "paths.globs: not a glob: " + g);
            }
        }
        List<Path> found = new ArrayList<>();
        int[] visited = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return dir.getFileName() != null && dir.getFileName().toString().equals(".git") && !dir.equals(root)
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (++visited[0] > MAX_VISITED) {
                        throw new BatchRefused(ErrorCode.BATCH_TOO_LARGE, "paths: more than " + MAX_VISITED
                                + " entries under the root; name a smaller root");
                    }
                    Path relative = root.relativize(file);
                    if (attrs.isRegularFile() && globs.stream().anyMatch(m -> m.matches(relative))) {
                        found.add(file);
                    }
                    return items.size() + found.size() > maxItems ? FileVisitResult.TERMINATE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // unreadable: not an item
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(null);
        for (Path file : found) {
            add(items, tool, Map.of("path", file.toString()), "paths");
        }
    }

    private void add(List<Item> items, ToolDescriptor tool, Map<String, Object> args, String where) {
        if (items.size() >= maxItems) {
            throw new BatchRefused(ErrorCode.BATCH_TOO_LARGE, "a batch holds at most " + maxItems + " items");
        }
        if (!tool.pathArgument().isEmpty() && args.get(tool.pathArgument()) instanceof String path) {
            try {
                paths.resolve(path);
            } catch (PathRejectedException e) {
                // a missing file is that item's NOT_FOUND, not the batch's; a path outside the roots refuses it all
                if (e.code() != ErrorCode.NOT_FOUND) {
                    throw new BatchRefused(e.code(), where + ": " + e.getMessage());
                }
            }
        }
        items.add(new Item(tool, args));
    }

    private ToolDescriptor tool(String name, String where) {
        ToolDescriptor tool = catalog.find(name).orElseThrow(() -> new BatchRefused(ErrorCode.UNKNOWN_TOOL,
                where + ": unknown tool '" + name + "'"));
        if (tool.answeredByIngress()) {
            throw new BatchRefused(ErrorCode.BAD_ARGUMENTS, where + ": '" + name + "' cannot be a batch item");
        }
        return tool;
    }
}
