package io.mcpca.workers.run;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.workers.checkout.CheckoutCache;
import io.mcpca.workers.checkout.CheckoutException;
import io.mcpca.workers.checkout.GitUrls;
import io.mcpca.workers.checkout.RepositoryCheckouts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code cross-repo-analysis}'s {@code repositories} made into the analyzer's trees (decision 032), each as its own
 * single-tree tool would take it: a {@code path} confined to the roots and read in place (with the HEAD it is on, if
 * any), a {@code path} with a {@code ref} or a {@code url} (with an optional {@code ref}) resolved to a commit and
 * checked out from this worker's cache as {@code analyze-repository} does (the allowlist, hooks never run). Each tree
 * gets a {@code name}: the client's, else the last element of its path or URL without {@code .git} (a second tree of
 * one derived name gets {@code -2}, ...); two equal names given by the client are refused.
 *
 * <p>An answer over checkouts only is cached, keyed by the names and commits (content-addressed); one with a tree
 * read in place is not (several trees' contents would all have to key it).
 */
final class CrossRepoInputs {

    static final String TOOL = "cross-repo-analysis";
    /** The contract's {@code maxItems}, checked again here: a worker trusts no stream entry. */
    static final int MAX_REPOSITORIES = 10;

    private final PathGuard paths;
    private final Optional<RepositoryCheckouts> repositories;

    CrossRepoInputs(PathGuard paths, Optional<RepositoryCheckouts> repositories) {
        this.paths = paths;
        this.repositories = repositories;
    }

    /** The call ready for its analyzer; a {@code PathRejectedException} or {@link CheckoutException} says why not. */
    CallInputs.Prepared prepare(Map<String, Object> args, Duration left) {
        if (!(args.get("repositories") instanceof List<?> requested) || requested.size() < 2
                || requested.size() > MAX_REPOSITORIES) {
            throw new CheckoutException(ErrorCode.BAD_ARGUMENTS,
                    "`repositories` must list 2 to " + MAX_REPOSITORIES + " repositories");
        }
        List<Map<String, Object>> trees = new ArrayList<>();
        List<Map<String, Object>> keyTrees = new ArrayList<>();
        List<Supplier<CheckoutCache.Lease>> acquires = new ArrayList<>();
        List<Integer> checkedOut = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (Object item : requested) {
            if (item instanceof Map<?, ?> repository && repository.get("name") instanceof String given
                    && !given.isBlank() && !names.add(given)) {
                throw new CheckoutException(ErrorCode.BAD_ARGUMENTS, "two repositories are named `" + given + "`");
            }
        }
        boolean inPlace = false;
        for (Object item : requested) {
            if (!(item instanceof Map<?, ?> repository)) {
                throw new CheckoutException(ErrorCode.BAD_ARGUMENTS, "each repository is an object with `path` or `url`");
            }
            Object path = repository.get("path");
            Object url = repository.get("url");
            Object ref = repository.get("ref");
            if ((path instanceof String) == (url instanceof String)) {
                throw new CheckoutException(ErrorCode.BAD_ARGUMENTS, "give each repository exactly one of `path` and `url`");
            }
            String name = nameOf(repository.get("name"), path instanceof String p ? p : (String) url, names);
            Map<String, Object> tree = new LinkedHashMap<>();
            tree.put("name", name);
            Map<String, Object> key = new LinkedHashMap<>(tree);
            Optional<String> wantedRef = ref instanceof String r && !r.isBlank() ? Optional.of(r) : Optional.empty();
            if (path instanceof String local && wantedRef.isEmpty()) {
                Path real = paths.resolve(local);
                tree.put("path", real.toString());
                tree.put("relativeTo", paths.rootOf(real).toString());
                repositories.flatMap(c -> c.headOf(real)).ifPresent(commit -> tree.put("commit", commit));
                inPlace = true;
            } else {
                RepositoryCheckouts checkouts = repositories.orElseThrow(() -> new CheckoutException(
                        ErrorCode.UNAVAILABLE, "this worker has no checkout cache"));
                RepositoryCheckouts.Resolved resolved = path instanceof String local
                        ? checkouts.resolvePath(local, wantedRef.get(), left)
                        : checkouts.resolveUrl((String) url, wantedRef, left);
                tree.put("commit", resolved.commit());
                key.put("commit", resolved.commit());
                acquires.add(() -> checkouts.checkout(resolved));
                checkedOut.add(trees.size());
            }
            trees.add(tree);
            keyTrees.add(key);
        }
        args.put("repositories", trees);
        Map<String, Object> keyArguments = new LinkedHashMap<>(args);
        keyArguments.put("repositories", keyTrees);
        Optional<CallInputs.Checkout> checkout = acquires.isEmpty() ? Optional.empty()
                : Optional.of(new CallInputs.Checkout(acquires, (analyzerArgs, leased) -> {
                    for (int i = 0; i < leased.size(); i++) {
                        Map<String, Object> tree = trees.get(checkedOut.get(i));
                        tree.put("path", leased.get(i).toString());
                        tree.put("relativeTo", leased.get(i).toString());
                    }
                }));
        return new CallInputs.Prepared(TOOL, args, Optional.empty(), keyArguments, Optional.empty(), checkout, !inPlace);
    }

    /** The client's name (all of them are in {@code taken} already), else one derived from the path or URL, unique. */
    private static String nameOf(Object given, String location, Set<String> taken) {
        if (given instanceof String name && !name.isBlank()) {
            return name;
        }
        String trimmed = GitUrls.redact(location).replaceAll("[/\\\\]+$", "");
        String last = trimmed.substring(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf(':')) + 1);
        String base = last.endsWith(".git") ? last.substring(0, last.length() - 4) : last;
        base = base.isEmpty() || base.equals(".") ? "repository" : base;
        String name = base;
        for (int n = 2; !taken.add(name); n++) {
            name = base + "-" + n;
        }
        return name;
    }
}
