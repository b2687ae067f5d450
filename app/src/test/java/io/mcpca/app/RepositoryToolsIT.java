package io.mcpca.app;

import static io.mcpca.app.PipelineIT.asList;
import static io.mcpca.app.PipelineIT.asMap;
import static io.mcpca.app.PipelineIT.structured;
import static io.mcpca.app.PipelineIT.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.testing.RedisServerExtension;
import io.mcpca.workers.config.WorkerRuntime;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * Issue 15, items 3 and 4 through the whole pipeline (real Redis, real analyzer, real git, the MCP Java SDK client
 * over HTTP): {@code analyze-repository} on git repositories this test creates (two refs give two answers, each
 * naming its commit; file:// URL and local path agree; a repository whose hooks would write a file never runs
 * them; a URL outside the allowlist is refused with URL_NOT_ALLOWED; credentials never show in answers or logs;
 * concurrent calls for one commit share one checkout) and {@code analyze-files} (paths, inline content, a missing
 * file and a path outside the roots in their own items, pages, the per-call inline limit).
 */
@ExtendWith(OutputCaptureExtension.class)
class RepositoryToolsIT {

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static Path root;
    static Path project;
    static Path hooked;
    static Path marker;
    static Path outside;
    static Path checkouts;
    static String firstCommit;
    static String secondCommit;
    static PipelineHarness harness;
    static McpSyncClient client;

    static final String SIMPLE = "def one():\n    return 1\n";
    static final String BRANCHY = "def pick(a, b):\n    if a and b:\n        return 1\n    elif a:\n        return 2\n"
            + "    return 3\n";

    @BeforeAll
    static void start() throws Exception {
        root = Files.createDirectories(tmp.resolve("root"));
        // a repository with two commits: v1 (one file), main (two files)
        project = Files.createDirectories(root.resolve("project"));
        git(project, "init", "--quiet", "--initial-branch=main");
        Files.writeString(project.resolve("one.py"), SIMPLE);
        commitAll(project, "first");
        git(project, "tag", "v1");
        firstCommit = git(project, "rev-parse", "HEAD").strip();
        Files.writeString(project.resolve("pick.py"), BRANCHY);
        commitAll(project, "second");
        secondCommit = git(project, "rev-parse", "HEAD").strip();

        // a repository whose hooks write a file on checkout: tracked in hooks/ and named by its own config,
        // and installed in its .git/hooks as well
        marker = tmp.resolve("hook-ran");
        hooked = Files.createDirectories(root.resolve("hooked"));
        git(hooked, "init", "--quiet", "--initial-branch=main");
        String hook = "#!/bin/sh\necho ran > '" + marker + "'\n";
        Path hooks = Files.createDirectories(hooked.resolve("hooks"));
        for (Path file : List.of(hooks.resolve("post-checkout"), hooked.resolve(".git/hooks/post-checkout"))) {
            Files.writeString(file, hook);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        git(hooked, "config", "core.hooksPath", "hooks");
        Files.writeString(hooked.resolve("app.py"), SIMPLE);
        commitAll(hooked, "with hooks");

        outside = Files.createDirectories(tmp.resolve("outside"));
        git(outside, "init", "--quiet", "--initial-branch=main");
        Files.writeString(outside.resolve("secret.py"), SIMPLE);
        commitAll(outside, "not for callers");
        Files.writeString(root.resolve("loose.py"), BRANCHY);

        checkouts = tmp.resolve("checkouts");
        harness = new PipelineHarness(REDIS.uri(), REDIS.newPrefix(), root, "--mcpca.ingress.call-timeout=60s",
                "--mcpca.worker.checkout.dir=" + checkouts,
                "--mcpca.worker.checkout.clone-timeout=20s",
                "--mcpca.worker.checkout.allowed-urls[0]=https://git.example.invalid/team/",
                "--mcpca.ingress.max-inline-call-bytes=4000",
                "--mcpca.worker.analyzer-cache-dir=" + tmp.resolve("analyzer-cache"));
        client = harness.client();
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    /**
     * Issue 15 item 6: repositories in a batch (two refs of one repository, the one whose hooks would write a file)
     * each get exactly the answer the same analyze-repository call gets alone, and no hook runs.
     */
    @Test
    void aBatchOfRepositoriesAnswersEachItemAsTheCallAlone() {
        String url = project.toUri().toString();
        List<Map<String, Object>> repositories = List.of(Map.of("url", url, "ref", "v1"),
                Map.of("url", url, "ref", "main"), Map.of("url", hooked.toUri().toString()));
        String batchId = (String) structured(call("submit-batch", Map.of("repositories", repositories))).get("batchId");
        org.awaitility.Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() ->
                "COMPLETED".equals(structured(call("batch-status", Map.of("batchId", batchId))).get("state")));
        List<Map<String, Object>> items = asList(structured(call("batch-results", Map.of("batchId", batchId)))
                .get("items"));
        assertThat(items).hasSize(repositories.size());
        for (int i = 0; i < repositories.size(); i++) {
            assertThat(items.get(i)).containsEntry("index", i).containsEntry("state", "SUCCEEDED");
            assertThat(items.get(i).get("result")).as("item %d", i)
                    .isEqualTo(structured(call("analyze-repository", repositories.get(i))));
        }
        assertThat(asMap(items.get(0).get("result")).get("commit")).isEqualTo(firstCommit);
        assertThat(asMap(items.get(1).get("result")).get("commit")).isEqualTo(secondCommit);
        assertThat(marker).doesNotExist();
    }

    @Test
    void twoRefsOfOneRepositoryGiveTwoAnswersEachWithItsCommit() {
        String url = project.toUri().toString();
        Map<String, Object> v1 = structured(call("analyze-repository", Map.of("url", url, "ref", "v1")));
        Map<String, Object> main = structured(call("analyze-repository", Map.of("url", url, "ref", "main")));
        assertThat(v1.get("commit")).isEqualTo(firstCommit);
        assertThat(main.get("commit")).isEqualTo(secondCommit);
        assertThat(asMap(v1.get("totals")).get("files")).isEqualTo(1);
        assertThat(asMap(main.get("totals")).get("files")).isEqualTo(2);
        assertThat(asList(main.get("files"))).extracting(f -> f.get("path")).containsExactly("one.py", "pick.py");
        assertThat(asList(main.get("hotspots")).get(0)).containsEntry("name", "pick").containsEntry("cyclomatic", 4);
        // analyze-metrics's shape: whole-tree parts and a page
        assertThat(main).containsKeys("root", "page", "nextCursor", "files", "totals", "directories", "skipped");

        // the same commit by its full name, and by the local path with a ref: the same answer
        Map<String, Object> bySha = structured(call("analyze-repository", Map.of("url", url, "ref", firstCommit)));
        Map<String, Object> byPath = structured(call("analyze-repository", Map.of("path", "project", "ref", "v1")));
        assertThat(bySha).isEqualTo(v1);
        assertThat(byPath).isEqualTo(v1);
        // a local path without a ref: the work tree as it is, on its HEAD
        Map<String, Object> inPlace = structured(call("analyze-repository", Map.of("path", "project")));
        assertThat(inPlace.get("commit")).isEqualTo(secondCommit);
        assertThat(asMap(inPlace.get("totals")).get("files")).isEqualTo(2);
        // answers name no server path
        assertThat(text(call("analyze-repository", Map.of("url", url, "ref", "main")))).doesNotContain(tmp.toString());
    }

    @Test
    void answersArePagedLikeAnalyzeMetrics() {
        Map<String, Object> first = structured(call("analyze-repository",
                Map.of("url", project.toUri().toString(), "ref", "main", "limit", 1)));
        assertThat(asList(first.get("files"))).hasSize(1);
        Map<String, Object> second = structured(call("analyze-repository", Map.of("url", project.toUri().toString(),
                "ref", "main", "limit", 1, "cursor", first.get("nextCursor"))));
        assertThat(asList(second.get("files"))).hasSize(1);
        assertThat(second.get("nextCursor")).isNull();
        assertThat(second.get("commit")).isEqualTo(secondCommit);
    }

    @Test
    void hooksOfAClonedRepositoryNeverRun() throws Exception {
        // the control: a plain clone that honours the repository's hooks directory does write the file
        Path control = tmp.resolve("control-clone");
        git(tmp, "-c", "core.hooksPath=" + hooked.resolve("hooks"), "clone", "--quiet", hooked.toString(),
                control.toString());
        assertThat(marker).as("the hook works when git is allowed to run it").exists();
        Files.delete(marker);

        Map<String, Object> answer = structured(call("analyze-repository",
                Map.of("url", hooked.toUri().toString())));
        assertThat(answer.get("commit")).isNotNull();
        // the hook script is a shell file like any other: measured, never run
        assertThat(asList(answer.get("files"))).extracting(f -> f.get("path")).containsExactly("app.py", "hooks/post-checkout");
        Map<String, Object> byRef = structured(call("analyze-repository", Map.of("path", "hooked", "ref", "main")));
        assertThat(byRef.get("commit")).isEqualTo(answer.get("commit"));
        assertThat(marker).as("no hook ran during the checkout").doesNotExist();
        // and the checkout carries no hooks of its own
        Path checkout = checkoutOf((String) answer.get("commit"));
        try (var hooksDir = Files.list(checkout.resolve(".git"))) {
            assertThat(hooksDir.map(p -> p.getFileName().toString())).doesNotContain("hooks", "FETCH_HEAD");
        }
    }

    @Test
    void urlsOutsideTheAllowlistAndRootsAreRefusedAndCredentialsNeverShow(CapturedOutput output) {
        CallToolResult refused = call("analyze-repository", Map.of("url", "https://example.com/x.git"));
        assertError(refused, "URL_NOT_ALLOWED");
        CallToolResult withCredentials = call("analyze-repository",
                Map.of("url", "https://alice:s3cret-token@example.com/x.git"));
        assertError(withCredentials, "URL_NOT_ALLOWED");
        assertThat(text(withCredentials)).doesNotContain("s3cret-token").contains("***@example.com");
        // an allowed host with credentials: git is run (and fails here, there is no network); its messages redacted
        CallToolResult unreachable = call("analyze-repository",
                Map.of("url", "https://bob:tok-98765@git.example.invalid/team/x.git"));
        assertThat(unreachable.isError()).as(text(unreachable)).isTrue();
        assertThat(text(unreachable)).doesNotContain("tok-98765");
        assertError(call("analyze-repository", Map.of("url", "ext::sh -c touch% /tmp/pwned")), "URL_NOT_ALLOWED");
        assertError(call("analyze-repository", Map.of("url", "git@github.com:org/repo.git")), "URL_NOT_ALLOWED");
        // file URLs are paths: confined to the roots like any path
        assertError(call("analyze-repository", Map.of("url", outside.toUri().toString())), "PATH_OUTSIDE_ROOTS");
        assertError(call("analyze-repository", Map.of("url", project.toUri().toString(), "ref", "--upload-pack=x")),
                "BAD_ARGUMENTS");
        assertError(call("analyze-repository", Map.of("url", project.toUri().toString(), "ref", "no-such-branch")),
                "NOT_FOUND");
        assertError(call("analyze-repository", Map.of("path", "project", "url", project.toUri().toString())),
                "BAD_ARGUMENTS");
        assertThat(output.getAll()).doesNotContain("s3cret-token").doesNotContain("tok-98765");
        // the service is still up
        assertThat(structured(call("analyze-repository", Map.of("path", "project"))).get("commit")).isEqualTo(secondCommit);
    }

    @Test
    void concurrentCallsForOneCommitShareOneCheckout() throws Exception {
        // a commit no other test checks out: a third repository state, on a branch of its own
        Path repo = Files.createDirectories(root.resolve("shared"));
        git(repo, "init", "--quiet", "--initial-branch=main");
        Files.writeString(repo.resolve("s.py"), BRANCHY);
        commitAll(repo, "shared");
        String commit = git(repo, "rev-parse", "HEAD").strip();
        List<McpSyncClient> clients = List.of(harness.client(), harness.client(), harness.client(), harness.client());
        List<CompletableFuture<CallToolResult>> calls = new ArrayList<>();
        for (McpSyncClient c : clients) {
            calls.add(CompletableFuture.supplyAsync(() -> c.callTool(new CallToolRequest("analyze-repository",
                    Map.of("url", repo.toUri().toString(), "ref", "main")))));
        }
        for (CompletableFuture<CallToolResult> call : calls) {
            assertThat(structured(call.get(60, TimeUnit.SECONDS)).get("commit")).isEqualTo(commit);
        }
        Set<String> held = harness.worker().getBean(WorkerRuntime.class).checkouts().orElseThrow().cache().commits();
        assertThat(held).contains(commit);
        try (var dirs = Files.list(checkoutOf(commit).getParent())) {
            assertThat(dirs.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".tmp-")))
                    .as("no clone left half-done").isEmpty();
        }
    }

    /**
     * Submodules on request (decision 036): a repository with a file:// submodule (absolute URL) that has a submodule of
     * its own (relative URL, {@code ../deep}): without {@code submodules} only the superproject's files; with it, every
     * level's files at the recorded commits, and no hook of theirs runs. A submodule URL
     * outside the allowlist or the roots fails the call with that code, naming the submodule.
     */
    @Test
    void submodulesComeOnlyWhenAskedFromAllowedUrlsAndTheirHooksNeverRun() throws Exception {
        Path subMarker = tmp.resolve("submodule-hook-ran");
        Path deep = Files.createDirectories(root.resolve("deep"));
        GitRepos.init(deep);
        Files.writeString(deep.resolve("deep.py"), BRANCHY);
        String deepCommit = GitRepos.commitAll(deep, "deep");
        Path lib = Files.createDirectories(root.resolve("lib"));
        GitRepos.init(lib);
        Files.writeString(lib.resolve("util.py"), SIMPLE);
        Path libHook = lib.resolve(".git/hooks/post-checkout");
        Files.writeString(libHook, "#!/bin/sh\necho ran > '" + subMarker + "'\n");
        Files.setPosixFilePermissions(libHook, PosixFilePermissions.fromString("rwxr-xr-x"));
        addSubmodule(lib, "deep", "../deep", deepCommit);
        String libCommit = GitRepos.commitAll(lib, "lib with deep");
        Path app = Files.createDirectories(root.resolve("app"));
        GitRepos.init(app);
        Files.writeString(app.resolve("main.py"), SIMPLE);
        addSubmodule(app, "vendor/lib", lib.toUri().toString(), libCommit);
        String appCommit = GitRepos.commitAll(app, "app with lib");

        Map<String, Object> without = structured(call("analyze-repository", Map.of("url", app.toUri().toString())));
        assertThat(without.get("commit")).isEqualTo(appCommit);
        assertThat(asList(without.get("files"))).extracting(f -> f.get("path")).containsExactly("main.py");

        Map<String, Object> with = structured(call("analyze-repository",
                Map.of("url", app.toUri().toString(), "submodules", true)));
        assertThat(with.get("commit")).isEqualTo(appCommit);
        assertThat(asList(with.get("files"))).extracting(f -> f.get("path"))
                .containsExactly("main.py", "vendor/lib/deep/deep.py", "vendor/lib/util.py");
        assertThat(asMap(with.get("totals")).get("files")).isEqualTo(3);
        assertThat(structured(call("analyze-repository", Map.of("path", "app", "ref", "main", "submodules", true))))
                .as("by path and ref: the same").isEqualTo(with);
        assertThat(subMarker).as("no hook of a submodule ran").doesNotExist();
        Path checkout = checkoutOf(appCommit + "-submodules");
        try (var gitDir = Files.list(checkout.resolve("vendor/lib/.git"))) {
            assertThat(gitDir.map(p -> p.getFileName().toString())).doesNotContain("hooks", "FETCH_HEAD");
        }

        Path remote = Files.createDirectories(root.resolve("remote-sub"));
        GitRepos.init(remote);
        Files.writeString(remote.resolve("r.py"), SIMPLE);
        addSubmodule(remote, "ext", "https://example.com/x.git", deepCommit);
        commitAll(remote, "a submodule on a host nobody allowed");
        CallToolResult notAllowed = call("analyze-repository",
                Map.of("url", remote.toUri().toString(), "submodules", true));
        assertError(notAllowed, "URL_NOT_ALLOWED");
        assertThat(text(notAllowed)).contains("submodule ext");
        assertThat(asList(structured(call("analyze-repository", Map.of("url", remote.toUri().toString())))
                .get("files"))).extracting(f -> f.get("path")).containsExactly("r.py");

        Path escaping = Files.createDirectories(root.resolve("escaping-sub"));
        GitRepos.init(escaping);
        Files.writeString(escaping.resolve("e.py"), SIMPLE);
        addSubmodule(escaping, "secret", outside.toUri().toString(), git(outside, "rev-parse", "HEAD").strip());
        commitAll(escaping, "a submodule outside the roots");
        assertError(call("analyze-repository", Map.of("url", escaping.toUri().toString(), "submodules", true)),
                "PATH_OUTSIDE_ROOTS");
    }

    /** Records a submodule at {@code path} (a gitlink to {@code commit} and its .gitmodules entry), cloning nothing. */
    private static void addSubmodule(Path repo, String path, String url, String commit) throws Exception {
        git(repo, "config", "--file", ".gitmodules", "submodule." + path + ".path", path);
        git(repo, "config", "--file", ".gitmodules", "submodule." + path + ".url", url);
        git(repo, "update-index", "--add", "--cacheinfo", "160000," + commit + "," + path);
        Files.createDirectories(repo.resolve(path)); // an uninitialised submodule: an empty directory
    }

    @Test
    void analyzeFilesAnswersEveryItemInOrderInPagesWithErrorsInTheirItems() {
        List<Map<String, Object>> files = List.of(
                Map.of("path", "project/one.py"),
                Map.of("name", "inline.py", "content", BRANCHY),
                Map.of("path", "project/missing.py"),
                Map.of("path", outside.resolve("secret.py").toString()),
                Map.of("path", "loose.py"),
                Map.of("name", "lib.js", "content", "function g(a) { return a && a.b ? 1 : 2; }\n"));
        List<Map<String, Object>> items = new ArrayList<>();
        Object cursor = null;
        int pages = 0;
        do {
            Map<String, Object> arguments = new LinkedHashMap<>(Map.of("files", files, "limit", 2));
            if (cursor != null) {
                arguments.put("cursor", cursor);
            }
            Map<String, Object> page = structured(call("analyze-files", arguments));
            assertThat(asMap(page.get("page"))).containsEntry("totalFiles", 6).containsEntry("offset", 2 * pages);
            items.addAll(asList(page.get("files")));
            cursor = page.get("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        assertThat(items).extracting(i -> i.get("path"))
                .containsExactly("project/one.py", "inline.py", "project/missing.py",
                        outside.resolve("secret.py").toString(), "loose.py", "lib.js");
        // each item is what calculate-metrics answers for the same file
        assertThat(items.get(0)).isEqualTo(structured(call("calculate-metrics", Map.of("path", "project/one.py"))));
        assertThat(items.get(4)).isEqualTo(structured(call("calculate-metrics", Map.of("path", "loose.py"))));
        Map<String, Object> inline = structured(call("calculate-metrics",
                Map.of("content", BRANCHY, "language", "python", "name", "inline.py")));
        assertThat(items.get(1)).isEqualTo(inline);
        assertThat(asMap(items.get(1).get("lines"))).containsEntry("code", 6);
        assertThat(asList(items.get(1).get("functions")).get(0)).containsEntry("cyclomatic", 4);
        assertThat(asMap(items.get(2).get("error"))).containsEntry("code", "NOT_FOUND");
        assertThat(asMap(items.get(3).get("error"))).containsEntry("code", "PATH_OUTSIDE_ROOTS");
        assertThat(items.get(3)).doesNotContainKey("lines");
        assertThat(items.get(5)).containsEntry("language", "javascript");
        assertThat(asList(items.get(5).get("functions")).get(0)).containsEntry("cyclomatic", 3);
    }

    @Test
    void inlineContentOverThePerCallLimitIsRefusedClearly() {
        String body = "x = 1\n".repeat(250); // 1,500 bytes each, 4,500 in all: over the 4,000 of this test
        List<Map<String, Object>> files = List.of(Map.of("name", "a.py", "content", body),
                Map.of("name", "b.py", "content", body), Map.of("name", "c.py", "content", body));
        CallToolResult refused = call("analyze-files", Map.of("files", files));
        assertError(refused, "BAD_ARGUMENTS");
        assertThat(text(refused)).contains("max-inline-call-bytes");
        Map<String, Object> fits = structured(call("analyze-files", Map.of("files", files.subList(0, 2))));
        assertThat(asList(fits.get("files"))).extracting(f -> asMap(f.get("lines")).get("code")).containsExactly(250, 250);
    }

    private static Path checkoutOf(String commit) {
        Path cache = harness.worker().getBean(WorkerRuntime.class).checkouts().orElseThrow().cache().directory();
        return cache.resolve(commit);
    }

    private static CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest(tool, arguments));
    }

    private static void assertError(CallToolResult result, String code) {
        assertThat(result.isError()).as(text(result)).isTrue();
        assertThat(text(result)).startsWith(code + ":");
    }

    private static void commitAll(Path repo, String message) throws IOException, InterruptedException {
        GitRepos.commitAll(repo, message);
    }

    static String git(Path dir, String... args) throws IOException, InterruptedException {
        return GitRepos.git(dir, args);
    }
}
