package io.mcpca.workers.checkout;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.wire.ErrorCode;
import io.mcpca.workers.config.CheckoutProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The repositories of {@code analyze-repository}: 1. the URL is checked ({@link GitUrls}; a local path becomes the
 * {@code file://} URL of its confined real path); 2. the ref is resolved to a commit ({@code git ls-remote}; a full
 * commit name is taken as it is), which needs no clone, so a cached answer or checkout is found without fetching;
 * 3. on a miss the commit alone is fetched ({@code --depth 1}, by its name, so a ref that moves meanwhile changes
 * nothing) into a fresh repository and checked out, within the clone time and size limits
 * ({@link GitCommand}); 4. the checkout is held by a {@link CheckoutCache.Lease} while the analyzer reads it.
 * The fetched repository keeps no trace of the URL ({@code FETCH_HEAD} is deleted; no remote is configured).
 */
public final class RepositoryCheckouts implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RepositoryCheckouts.class);
    /** Branch and tag names we pass to git: no option look-alikes, no {@code ..}, no spaces or control characters. */
    private static final Pattern REF = Pattern.compile("(?!.*\\.\\.)[A-Za-z0-9_][A-Za-z0-9._/+-]{0,254}");

    private final GitUrls urls;
    private final CheckoutCache cache;
    private final GitCommand git;
    private final Duration cloneTimeout;
    private final long cloneMaxBytes;
    private final Submodules submodules;

    public RepositoryCheckouts(GitUrls urls, CheckoutCache cache, Duration cloneTimeout, long cloneMaxBytes) {
        this.urls = urls;
        this.cache = cache;
        this.git = new GitCommand(urls.schemes(), cache.directory());
        this.submodules = new Submodules(urls, git);
        this.cloneTimeout = cloneTimeout;
        this.cloneMaxBytes = cloneMaxBytes;
    }

    /** From the worker's configuration: the cache in {@code checkout.dir} (default {@code ~/.cache/mcpca/checkouts}). */
    public static RepositoryCheckouts configured(CheckoutProperties properties, PathGuard roots, Clock clock) {
        Path dir = properties.getDir().toString().isEmpty()
                ? Path.of(System.getProperty("user.home"), ".cache", "mcpca", "checkouts") : properties.getDir();
        return new RepositoryCheckouts(new GitUrls(properties.getAllowedUrls(), roots),
                new CheckoutCache(dir.toAbsolutePath(), properties.getMaxSize().toBytes(), clock),
                properties.getCloneTimeout(), properties.getCloneMaxSize().toBytes());
    }

    public CheckoutCache cache() {
        return cache;
    }

    /**
     * A repository at a commit, resolved but not yet checked out: enough to key its answer, so a cached answer
     * needs no clone.
     *
     * @param deadline {@link System#nanoTime()} by which the clone must be done
     */
    public record Resolved(String gitUrl, String shown, String commit, long deadline) {
    }

    /** {@code url} at {@code ref} (its HEAD when empty), resolved within {@code left} of the call. */
    public Resolved resolveUrl(String url, Optional<String> ref, Duration left) {
        return resolve(urls.check(url), url, ref, left);
    }

    /** The repository at the local {@code path} (confined to the roots) at {@code ref}. */
    public Resolved resolvePath(String path, String ref, Duration left) {
        return resolve(urls.fileUrl(urls.confined(path)), path, Optional.of(ref), left);
    }

    /** A lease on the checkout of a resolved repository, cloned now unless the cache has it. */
    public CheckoutCache.Lease checkout(Resolved repository) {
        return cache.acquire(repository.commit(), directory -> fetch(repository.gitUrl(), repository.shown(),
                repository.commit(), directory, repository.deadline(), true, limitOf(directory)));
    }

    /**
     * As {@link #checkout}, with its submodules (recursively; {@link Submodules}): each from a URL the allowlist
     * allows, one commit each, all within the checkout's one time and size limit; cached apart from the plain one.
     */
    public CheckoutCache.Lease checkoutWithSubmodules(Resolved repository) {
        return cache.acquire(repository.commit() + CheckoutCache.WITH_SUBMODULES, directory -> {
            GitCommand.SizeLimit limit = limitOf(directory);
            fetch(repository.gitUrl(), repository.shown(), repository.commit(), directory, repository.deadline(), true,
                    limit);
            submodules.fill(directory, repository.gitUrl(), repository.deadline(), (url, shown, commit, into) ->
                    fetch(url, shown, commit, into, repository.deadline(), true, limit));
        });
    }

    private GitCommand.SizeLimit limitOf(Path directory) {
        return new GitCommand.SizeLimit(directory, cloneMaxBytes);
    }

    /**
     * As {@link #checkout}, with every commit reachable from it (the history tools read the history): a fetch
     * without {@code --depth}, bounded by the same clone time and size limits, cached apart from the shallow one.
     */
    public CheckoutCache.Lease checkoutWithHistory(Resolved repository) {
        return cache.acquire(repository.commit() + CheckoutCache.WITH_HISTORY, directory -> fetch(repository.gitUrl(),
                repository.shown(), repository.commit(), directory, repository.deadline(), false, limitOf(directory)));
    }

    /** The commit checked out in a local work tree (its HEAD), if it is one git can read. */
    public Optional<String> headOf(Path workTree) {
        if (!Files.exists(workTree.resolve(".git"))) {
            return Optional.empty();
        }
        try {
            String head = git.run(workTree, List.of("rev-parse", "--verify", "--quiet", "HEAD^{commit}"),
                    Duration.ofSeconds(10), Optional.empty(), ErrorCode.NOT_FOUND, "reading HEAD").strip();
            return CheckoutCache.COMMIT.matcher(head).matches() ? Optional.of(head) : Optional.empty();
        } catch (CheckoutException e) {
            return Optional.empty(); // no commit yet, or a repository git refuses to read: analysed without one
        }
    }

    private Resolved resolve(String gitUrl, String shown, Optional<String> ref, Duration left) {
        String wanted = ref.filter(r -> !r.isBlank()).orElse("HEAD");
        if (!CheckoutCache.COMMIT.matcher(wanted).matches() && !REF.matcher(wanted).matches()) {
            throw new CheckoutException(ErrorCode.BAD_ARGUMENTS, "not a branch, tag or full commit name: " + wanted);
        }
        long deadline = System.nanoTime() + min(cloneTimeout, left).toNanos();
        String commit = CheckoutCache.COMMIT.matcher(wanted).matches() ? wanted : resolve(gitUrl, shown, wanted, deadline);
        return new Resolved(gitUrl, shown, commit, deadline);
    }

    /** The commit {@code ref} names in the repository: HEAD, a branch, a tag (peeled), or a full ref name. */
    private String resolve(String gitUrl, String shown, String ref, long deadline) {
        List<String> patterns = ref.equals("HEAD") ? List.of("HEAD")
                : ref.startsWith("refs/") ? List.of(ref, ref + "^{}")
                : List.of("refs/heads/" + ref, "refs/tags/" + ref, "refs/tags/" + ref + "^{}");
        List<String> args = new ArrayList<>(List.of("ls-remote", "--end-of-options", gitUrl));
        args.addAll(patterns);
        String listing = git.run(cache.directory(), args, remaining(deadline), Optional.empty(), ErrorCode.NOT_FOUND,
                "listing the refs of " + GitUrls.redact(shown));
        Map<String, String> refs = new LinkedHashMap<>();
        listing.lines().map(line -> line.split("\t", 2)).filter(parts -> parts.length == 2)
                .forEach(parts -> refs.put(parts[1].strip(), parts[0].strip()));
        List<String> preference = ref.equals("HEAD") ? List.of("HEAD")
                : ref.startsWith("refs/") ? List.of(ref + "^{}", ref)
                : List.of("refs/heads/" + ref, "refs/tags/" + ref + "^{}", "refs/tags/" + ref);
        return preference.stream().map(refs::get).filter(sha -> sha != null && CheckoutCache.COMMIT.matcher(sha).matches())
                .findFirst()
                .orElseThrow(() -> new CheckoutException(ErrorCode.NOT_FOUND, "no branch or tag '" + ref + "' in "
                        + GitUrls.redact(shown) + " (a commit must be named in full)"));
    }

    /**
     * Fills {@code directory} with the checkout of {@code commit}: a fresh repository, the commit fetched (alone when
     * {@code shallow}, else with its history), checked out, while the directory {@code sizeLimit} names stays
     * within its size.
     */
    private void fetch(String gitUrl, String shown, String commit, Path directory, long deadline, boolean shallow,
                       GitCommand.SizeLimit sizeLimit) {
        long started = System.nanoTime();
        Optional<GitCommand.SizeLimit> limit = Optional.of(sizeLimit);
        git.run(directory, List.of("init", "--quiet", "--template=", "."), remaining(deadline), limit,
                ErrorCode.INTERNAL, "git init");
        List<String> fetch = new ArrayList<>(List.of("fetch", "--quiet"));
        if (shallow) {
            fetch.addAll(List.of("--depth", "1"));
        }
        fetch.addAll(List.of("--no-tags", "--no-recurse-submodules", "--end-of-options", gitUrl, commit));
        git.run(directory, fetch, remaining(deadline), limit, ErrorCode.NOT_FOUND,
                "fetching " + commit + " from " + GitUrls.redact(shown));
        git.run(directory, List.of("checkout", "--quiet", "--detach", commit), remaining(deadline), limit,
                ErrorCode.INTERNAL, "checking out " + commit);
        try {
            Files.deleteIfExists(directory.resolve(".git").resolve("FETCH_HEAD")); // it names the URL
        } catch (java.io.IOException e) {
            throw new CheckoutException(ErrorCode.INTERNAL, "cannot clean the checkout: " + e.getMessage());
        }
        log.info("checked out {} of {} in {} ms", commit, GitUrls.redact(shown), (System.nanoTime() - started) / 1_000_000);
    }

    static Duration remaining(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new CheckoutException(ErrorCode.DEADLINE_EXCEEDED, "the clone ran out of time "
                    + "(mcpca.worker.checkout.clone-timeout, or the call's deadline)");
        }
        return Duration.ofNanos(left);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        cache.close();
    }
}
