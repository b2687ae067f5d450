package io.mcpca.workers.run;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.paths.PathRejectedException;
import io.mcpca.shared.tools.ToolDescriptor;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.workers.cache.TreeDigest;
import io.mcpca.workers.checkout.CheckoutCache;
import io.mcpca.workers.checkout.CheckoutException;
import io.mcpca.workers.checkout.RepositoryCheckouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * What a call hands its analyzer, from the arguments a client sent: every path confined to the roots (the ingress
 * checked too, but a worker trusts no stream entry) and passed as its real path with {@code relativeTo} (its
 * root), so answers name paths relative to the root. Some tools need more ({@code analyze-quality}'s
 * {@code comparePaths} are confined one by one, each with its root in {@code compareRelativeTo}):
 * <ul>
 *   <li>{@code analyze-files}: each item's path is confined on its own; a refused one (outside the roots, missing,
 *       a FIFO) goes to the analyzer as {@code {"path", "error"}}, so it fails its item, not the page;</li>
 *   <li>{@code analyze-repository}: a URL (or a local path with a {@code ref}) becomes a checkout held for the call
 *       ({@link RepositoryCheckouts}), a local path without a ref is read in place; either way the analyzer runs
 *       {@code analyze-metrics} with paths relative to the repository, and the answer gets the commit. Results are
 *       keyed by the commit for a checkout (content-addressed: no input to hash);</li>
 *   <li>{@code cross-repo-analysis}: several trees, each a path or a repository ({@link CrossRepoInputs}).</li>
 * </ul>
 */
final class CallInputs {

    static final String ANALYZE_FILES = "analyze-files";
    static final String ANALYZE_REPOSITORY = "analyze-repository";
    /** {@code analyze-repository}'s request for the checkout's submodules (decision 036). */
    static final String SUBMODULES = "submodules";
    /** The analyzer tool {@code analyze-repository} runs on its checkout. */
    static final String ANALYZE_METRICS = "analyze-metrics";
    static final String ANALYZE_QUALITY = "analyze-quality";
    /** The history tools: a {@code path} in a work tree under a root, or a repository by {@code url} and {@code ref}. */
    static final java.util.Set<String> HISTORY_TOOLS = java.util.Set.of("analyze-history", "hotspots",
            "socio-technical-analysis", "change-coupling", "evolution-pathway");
    /**
     * The knowledge-graph tools: the analyzer keeps graphs in memory and answers from them while the tree's
     * {@link TreeDigest} (argument {@code treeDigest}, set here and only here) is the one the graph was built with.
     * A call naming a {@code snapshot} gets none: it asks for that graph, not for the tree's (decision 023).
     */
    static final java.util.Set<String> GRAPH_TOOLS = java.util.Set.of("build-knowledge-graph", "query-knowledge-graph",
            "export-knowledge-graph");
    static final String TREE_DIGEST = "treeDigest";
    /** {@code analyze-quality}'s further trees: paths, confined like the path argument. */
    static final String COMPARE_PATHS = "comparePaths";

    private final PathGuard paths;
    private final Optional<RepositoryCheckouts> repositories;
    private final CrossRepoInputs crossRepo;

    CallInputs(PathGuard paths, Optional<RepositoryCheckouts> repositories) {
        this.paths = paths;
        this.repositories = repositories;
        this.crossRepo = new CrossRepoInputs(paths, repositories);
    }

    /**
     * One call ready for its analyzer.
     *
     * @param analyzerTool  the serve tool to run
     * @param args          its arguments
     * @param input         the file or directory whose content keys the result, if any
     * @param keyArguments  the arguments that key the result with {@code input}
     * @param commit        the commit the answer names ({@code analyze-repository} of a git repository)
     * @param checkout      the checkout to make on a cache miss, held until the analyzer is done
     * @param cacheable     whether {@code keyArguments} and {@code input} fix the answer ({@code analyze-files}
     *                      names files it does not hash, so its answers are never cached)
     */
    record Prepared(String analyzerTool, Map<String, Object> args, Optional<Path> input,
                    Map<String, Object> keyArguments, Optional<String> commit,
                    Optional<Checkout> checkout, boolean cacheable) implements AutoCloseable {

        /** The analyzer's arguments, once the checkout (if any) is made: a {@link CheckoutException} if it cannot be. */
        Map<String, Object> analyzerArgs() {
            checkout.ifPresent(c -> c.into(args));
            return args;
        }

        @Override
        public void close() {
            checkout.ifPresent(Checkout::close);
        }
    }

    /** The call's analyzer input; a {@link PathRejectedException} or {@link CheckoutException} says why there is none. */
    Prepared prepare(ToolDescriptor tool, Map<String, Object> arguments, Duration left) {
        Map<String, Object> args = new LinkedHashMap<>(arguments);
        if (tool.name().equals(ANALYZE_REPOSITORY)) {
            return repository(args, left);
        }
        if (HISTORY_TOOLS.contains(tool.name()) && args.containsKey("url")) {
            return historyOfUrl(tool.name(), args, left);
        }
        if (tool.name().equals(CrossRepoInputs.TOOL)) {
            return crossRepo.prepare(args, left);
        }
        if (tool.name().equals(ANALYZE_FILES)) {
            args.put("files", confinedItems(args.get("files")));
            return new Prepared(tool.name(), args, Optional.empty(), arguments, Optional.empty(), Optional.empty(), false);
        }
        Optional<Path> input = Optional.empty();
        String pathArgument = tool.pathArgument();
        if (!pathArgument.isEmpty() && args.get(pathArgument) instanceof String requested) {
            Path real = paths.resolve(requested);
            input = Optional.of(real);
            args.put(pathArgument, real.toString());
            args.put("relativeTo", paths.rootOf(real).toString());
        }
        args.remove(TREE_DIGEST); // never a client's word for it
        if (GRAPH_TOOLS.contains(tool.name()) && !args.containsKey("snapshot") && input.isPresent()
                && java.nio.file.Files.isDirectory(input.get())) {
            try {
                args.put(TREE_DIGEST, TreeDigest.of(input.get()));
            } catch (java.io.UncheckedIOException e) {
                // no digest: the analyzer reads and hashes the tree, which is always right
            }
        }
        // compared trees are inputs the key does not digest: such an answer is never cached (decision 034)
        boolean compares = tool.name().equals(ANALYZE_QUALITY) && args.containsKey(COMPARE_PATHS);
        if (compares) {
            confineComparedTrees(args);
        }
        return new Prepared(tool.name(), args, input, arguments, Optional.empty(), Optional.empty(), !compares);
    }

    /**
     * {@code analyze-quality}'s {@code comparePaths}: each confined like the path argument (a refusal fails the
     * call), passed as its real path with its root in {@code compareRelativeTo}, so clone locations in a compared
     * tree are named relative to its root too.
     */
    private void confineComparedTrees(Map<String, Object> args) {
        if (!(args.get(COMPARE_PATHS) instanceof List<?> requested)) {
            throw new PathRejectedException(ErrorCode.BAD_ARGUMENTS, "`comparePaths` must be a list of directories");
        }
        List<String> real = new ArrayList<>();
        List<String> roots = new ArrayList<>();
        for (Object path : requested) {
            if (!(path instanceof String name)) {
                throw new PathRejectedException(ErrorCode.BAD_ARGUMENTS, "`comparePaths` must be a list of directories");
            }
            Path resolved = paths.resolve(name);
            real.add(resolved.toString());
            roots.add(paths.rootOf(resolved).toString());
        }
        args.put(COMPARE_PATHS, real);
        args.put("compareRelativeTo", roots);
    }

    /**
     * A sharded call's internal tool ({@link Sharding}; never a client's: the ingress knows only the catalog): its
     * {@code path} confined as a tool's path argument is, never cached on its own. A shard of
     * {@code analyze-repository} is prepared as that call is, at the commit the call resolved (its own checkout in
     * this worker's cache, or the work tree in place), and its merge reads no tree at all (decision 021).
     */
    Prepared internal(String analyzerTool, Map<String, Object> arguments, Duration left) {
        Map<String, Object> args = new LinkedHashMap<>(arguments);
        boolean ofRepository = ANALYZE_REPOSITORY.equals(args.remove(Sharding.SHARD_OF_TOOL));
        Object commit = args.remove(Sharding.COMMIT);
        if (ofRepository && Sharding.MERGE_TOOL.equals(analyzerTool)) {
            // the answer's paths are relative to the repository, whichever checkout a shard read: "." is its root
            List.of("path", "url", "ref", SUBMODULES).forEach(args::remove);
            args.put("path", ".");
            args.put("relativeTo", ".");
            return new Prepared(analyzerTool, args, Optional.empty(), arguments, Optional.empty(), Optional.empty(), false);
        }
        if (ofRepository) {
            if (args.containsKey("url") || args.get("ref") != null) {
                if (!(commit instanceof String resolved)) {
                    throw new CheckoutException(ErrorCode.BAD_ARGUMENTS, "a repository shard names no commit");
                }
                args.put("ref", resolved); // a full commit name: taken as it is, no ref listing
            }
            Prepared call = repository(args, left);
            return new Prepared(analyzerTool, call.args(), Optional.empty(), arguments, Optional.empty(),
                    call.checkout(), false);
        }
        Optional<Path> input = Optional.empty();
        if (args.get("path") instanceof String requested) {
            Path real = paths.resolve(requested);
            input = Optional.of(real);
            args.put("path", real.toString());
            args.put("relativeTo", paths.rootOf(real).toString());
        }
        return new Prepared(analyzerTool, args, input, arguments, Optional.empty(), Optional.empty(), false);
    }

    /**
     * A history tool on a repository named by {@code url} (and {@code ref}): the commit resolved as for
     * {@code analyze-repository}, then a checkout with its history from this worker's cache; the answer names the
     * commit and its paths are relative to the repository.
     */
    private Prepared historyOfUrl(String tool, Map<String, Object> args, Duration left) {
        Object url = args.remove("url");
        Object ref = args.remove("ref");
        if (args.containsKey("path")) {
            throw new CheckoutException(ErrorCode.BAD_ARGUMENTS, "give exactly one of `path` and `url`");
        }
        RepositoryCheckouts checkouts = repositories.orElseThrow(() -> new CheckoutException(ErrorCode.UNAVAILABLE,
                "this worker has no checkout cache"));
        Optional<String> wantedRef = ref instanceof String r && !r.isBlank() ? Optional.of(r) : Optional.empty();
        RepositoryCheckouts.Resolved repository = checkouts.resolveUrl(String.valueOf(url), wantedRef, left);
        Map<String, Object> key = new LinkedHashMap<>(args);
        key.put("commit", repository.commit());
        return new Prepared(tool, args, Optional.empty(), key, Optional.of(repository.commit()),
                Optional.of(new Checkout(() -> checkouts.checkoutWithHistory(repository))), true);
    }

    private Prepared repository(Map<String, Object> args, Duration left) {
        Object path = args.remove("path");
        Object url = args.remove("url");
        Object ref = args.remove("ref");
        boolean submodules = Boolean.TRUE.equals(args.remove(SUBMODULES));
        if ((path == null) == (url == null)) {
            throw new CheckoutException(ErrorCode.BAD_ARGUMENTS, "give exactly one of `path` and `url`");
        }
        RepositoryCheckouts checkouts = repositories.orElseThrow(() -> new CheckoutException(ErrorCode.UNAVAILABLE,
                "this worker has no checkout cache"));
        Optional<String> wantedRef = ref instanceof String r && !r.isBlank() ? Optional.of(r) : Optional.empty();
        if (path instanceof String local && wantedRef.isEmpty()) {
            // the work tree as it is, like analyze-metrics, with the commit it is on
            Path real = paths.resolve(local);
            Optional<String> commit = checkouts.headOf(real);
            Map<String, Object> key = new LinkedHashMap<>(args);
            key.put("path", real.toString());
            commit.ifPresent(c -> key.put("commit", c));
            // in place, the work tree's submodules are whatever it has checked out: the flag changes nothing
            return analyzeMetrics(args, real, Optional.of(real), key, commit, Optional.empty());
        }
        RepositoryCheckouts.Resolved repository = path instanceof String local
                ? checkouts.resolvePath(local, wantedRef.get(), left)
                : checkouts.resolveUrl(String.valueOf(url), wantedRef, left);
        Map<String, Object> key = new LinkedHashMap<>(args);
        key.put("commit", repository.commit());
        if (submodules) {
            key.put(SUBMODULES, true);
        }
        return new Prepared(ANALYZE_METRICS, args, Optional.empty(), key, Optional.of(repository.commit()),
                Optional.of(new Checkout(() -> submodules ? checkouts.checkoutWithSubmodules(repository)
                        : checkouts.checkout(repository))), true);
    }

    private static Prepared analyzeMetrics(Map<String, Object> args, Path tree, Optional<Path> input,
                                           Map<String, Object> key, Optional<String> commit,
                                           Optional<Checkout> checkout) {
        args.put("path", tree.toString());
        args.put("relativeTo", tree.toString());
        return new Prepared(ANALYZE_METRICS, args, input, key, commit, checkout, true);
    }

    /**
     * A repository's checkout (or several: {@code cross-repo-analysis}), made only when the analyzer needs it (a cached
     * answer does not) and held until the call is done. A failed acquire leaves the leases taken before it to
     * {@link #close}.
     */
    static final class Checkout implements AutoCloseable {
        private final List<Supplier<CheckoutCache.Lease>> acquires;
        private final BiConsumer<Map<String, Object>, List<Path>> pointAt;
        private final List<CheckoutCache.Lease> leases = new ArrayList<>();

        /** One tree: the analyzer's {@code path} and {@code relativeTo} become the checkout. */
        Checkout(Supplier<CheckoutCache.Lease> acquire) {
            this(List.of(acquire), (args, trees) -> {
                args.put("path", trees.get(0).toString());
                args.put("relativeTo", trees.get(0).toString());
            });
        }

        /** Several trees: {@code pointAt} gets the checkouts in the order of {@code acquires}. */
        Checkout(List<Supplier<CheckoutCache.Lease>> acquires, BiConsumer<Map<String, Object>, List<Path>> pointAt) {
            this.acquires = List.copyOf(acquires);
            this.pointAt = pointAt;
        }

        /** Checks out (or finds) the trees and points the analyzer's arguments at them. */
        void into(Map<String, Object> args) {
            for (Supplier<CheckoutCache.Lease> acquire : acquires) {
                leases.add(acquire.get());
            }
            pointAt.accept(args, leases.stream().map(CheckoutCache.Lease::path).toList());
        }

        @Override
        public void close() {
            leases.forEach(CheckoutCache.Lease::close);
        }
    }

    /** {@code analyze-files}'s items: paths confined one by one, a refusal carried in its item. */
    private List<Object> confinedItems(Object files) {
        List<Object> items = new ArrayList<>();
        if (!(files instanceof List<?> list)) {
            throw new PathRejectedException(ErrorCode.BAD_ARGUMENTS, "`files` must be a list of {path} or {name, content}");
        }
        for (Object item : list) {
            if (item instanceof Map<?, ?> map && map.get("path") instanceof String requested) {
                Map<String, Object> confined = new LinkedHashMap<>();
                try {
                    Path real = paths.resolve(requested);
                    confined.put("path", real.toString());
                    confined.put("relativeTo", paths.rootOf(real).toString());
                    if (map.get("language") instanceof String language) {
                        confined.put("language", language);
                    }
                } catch (PathRejectedException e) {
                    confined.put("path", requested);
                    confined.put("error", Map.of("code", e.code().name(), "message", e.getMessage()));
                }
                items.add(confined);
            } else {
                items.add(item);
            }
        }
        return items;
    }
}
