package io.mcpca.workers.checkout;

import io.mcpca.shared.wire.ErrorCode;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The submodules of a checkout, when a call asks for them ({@code analyze-repository} with {@code submodules: true};
 * decision 036). Lifecycle, per work tree: 1. its gitlinks (mode 160000 in the index: a path and a commit) are
 * listed; 2. each one's URL is read from the checked-out {@code .gitmodules} ({@code git config --file}, which
 * follows no includes), a relative URL ({@code ./}, {@code ../}) resolved against the superproject's URL as git does;
 * 3. the URL passes {@link GitUrls} like the call's own (allowlist; a {@code file://} URL confined to the roots),
 * else the call fails {@code URL_NOT_ALLOWED} (or {@code PATH_OUTSIDE_ROOTS}) naming the submodule; 4. the one commit
 * is fetched into the gitlink's directory by the caller's fetch (the same hardened git: no hooks, no
 * {@code git submodule}, so no {@code update = !command} either), under the same deadline and size limit as the
 * whole checkout; 5. its own submodules follow, at most {@value #MAX_DEPTH} levels deep.
 */
final class Submodules {

    /** Submodules inside submodules are fetched this many levels deep; deeper ones are refused. */
    static final int MAX_DEPTH = 4;
    private static final String GITLINK = "160000";

    /** Fetches one commit from a checked URL into an empty directory. */
    interface Fetch {
        void fetch(String gitUrl, String shown, String commit, Path directory);
    }

    private final GitUrls urls;
    private final GitCommand git;

    Submodules(GitUrls urls, GitCommand git) {
        this.urls = urls;
        this.git = git;
    }

    /**
     * Fills every submodule of the checkout {@code workTree} (fetched from {@code gitUrl}), recursively.
     *
     * @param deadline {@link System#nanoTime()} by which everything must be fetched
     */
    void fill(Path workTree, String gitUrl, long deadline, Fetch fetch) {
        fill(workTree, gitUrl, "", 1, deadline, fetch);
    }

    private void fill(Path workTree, String gitUrl, String shownPrefix, int depth, long deadline, Fetch fetch) {
        Map<String, String> links = gitlinks(workTree, deadline);
        if (links.isEmpty()) {
            return;
        }
        if (depth > MAX_DEPTH) {
            throw new CheckoutException(ErrorCode.BAD_ARGUMENTS, "submodules nested more than " + MAX_DEPTH
                    + " levels deep (at " + shownPrefix + ")");
        }
        Map<String, String> urlsByPath = declaredUrls(workTree, deadline);
        for (Map.Entry<String, String> link : links.entrySet()) {
            String path = link.getKey();
            String shown = shownPrefix + path;
            String declared = Optional.ofNullable(urlsByPath.get(path)).orElseThrow(() -> new CheckoutException(
                    ErrorCode.BAD_ARGUMENTS, "submodule " + shown + " has no url in .gitmodules"));
            String subUrl;
            try {
                subUrl = urls.check(resolve(gitUrl, declared));
            } catch (CheckoutException e) {
                throw new CheckoutException(e.code(), "submodule " + shown + ": " + e.getMessage());
            }
            Path directory = confinedDirectory(workTree, path, shown);
            fetch.fetch(subUrl, GitUrls.redact(declared), link.getValue(), directory);
            fill(directory, subUrl, shown + "/", depth + 1, deadline, fetch);
        }
    }

    /** The gitlinks of the work tree's index: path to commit, in index order. */
    private Map<String, String> gitlinks(Path workTree, long deadline) {
        String listing = git.run(workTree, List.of("ls-files", "--stage", "-z"), RepositoryCheckouts.remaining(deadline),
                Optional.empty(), ErrorCode.INTERNAL, "listing submodules");
        Map<String, String> links = new LinkedHashMap<>();
        for (String entry : listing.split("\0")) {
            int tab = entry.indexOf('\t');
            String[] head = tab < 0 ? new String[0] : entry.substring(0, tab).split(" ");
            if (head.length == 3 && GITLINK.equals(head[0]) && CheckoutCache.COMMIT.matcher(head[1]).matches()) {
                links.put(entry.substring(tab + 1), head[1]);
            }
        }
        return links;
    }

    /** {@code submodule.<name>.path} to {@code submodule.<name>.url}, from the checked-out {@code .gitmodules}. */
    private Map<String, String> declaredUrls(Path workTree, long deadline) {
        Path file = workTree.resolve(".gitmodules");
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Map.of();
        }
        String listing = git.run(workTree, List.of("config", "--file", ".gitmodules", "--null", "--get-regexp",
                        "^submodule\\..*\\.(path|url)$"), RepositoryCheckouts.remaining(deadline), Optional.empty(),
                ErrorCode.BAD_ARGUMENTS, "reading .gitmodules");
        Map<String, String> paths = new LinkedHashMap<>();
        Map<String, String> urlsByName = new LinkedHashMap<>();
        for (String entry : listing.split("\0")) {
            int newline = entry.indexOf('\n');
            if (newline < 0) {
                continue;
            }
            String key = entry.substring(0, newline);
            String value = entry.substring(newline + 1);
            int dot = key.lastIndexOf('.');
            String name = key.substring("submodule.".length(), dot);
            (key.endsWith(".path") ? paths : urlsByName).put(name, value);
        }
        Map<String, String> byPath = new LinkedHashMap<>();
        paths.forEach((name, path) -> Optional.ofNullable(urlsByName.get(name)).ifPresent(url -> byPath.put(path, url)));
        return byPath;
    }

    /** A submodule URL as git reads it: {@code ./x} and {@code ../x} are relative to the superproject's URL. */
    static String resolve(String superUrl, String url) {
        if (!url.startsWith("./") && !url.startsWith("../")) {
            return url;
        }
        try {
            URI base = new URI(superUrl.endsWith("/") ? superUrl : superUrl + "/");
            return base.resolve(new URI(null, null, url, null)).toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new CheckoutException(ErrorCode.BAD_ARGUMENTS, "submodule url " + GitUrls.redact(url)
                    + " cannot be resolved against its superproject's url");
        }
    }

    /** The gitlink's directory: below the work tree (no {@code ..}, no symlink on the way), empty, as git left it. */
    private static Path confinedDirectory(Path workTree, String path, String shown) {
        Path relative = Path.of(path).normalize();
        Path directory = workTree.resolve(relative);
        try {
            if (relative.isAbsolute() || relative.startsWith("..") || path.isEmpty()
                    || !directory.toRealPath().equals(workTree.toRealPath().resolve(relative))
                    || !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                throw new CheckoutException(ErrorCode.BAD_ARGUMENTS, "submodule path " + shown + " is not a directory "
                        + "of the checkout");
            }
            try (var entries = Files.list(directory)) {
                if (entries.findAny().isPresent()) {
                    throw new CheckoutException(ErrorCode.BAD_ARGUMENTS, "submodule path " + shown + " is not empty");
                }
            }
        } catch (IOException e) {
            throw new CheckoutException(ErrorCode.BAD_ARGUMENTS, "submodule path " + shown + " is not a directory of "
                    + "the checkout");
        }
        return directory;
    }
}
