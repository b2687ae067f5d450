package io.mcpca.app;

import static io.mcpca.app.GitRepos.commitAll;
import static io.mcpca.app.GitRepos.git;
import static io.mcpca.app.PipelineIT.asList;
import static io.mcpca.app.PipelineIT.asMap;
import static io.mcpca.app.PipelineIT.structured;
import static io.mcpca.app.PipelineIT.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.testing.RedisServerExtension;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16 item 5: {@code cross-repo-analysis} through the whole pipeline (real Redis, real analyzer, real git, the
 * MCP Java SDK client over HTTP) on three repositories made from {@code mcpca-analyzer/tests/fixtures/crossrepo}:
 * {@code shared-lib} by file:// URL, {@code billing} by URL at tag {@code v1} (its main branch then moves to the
 * version storefront declares) and {@code storefront} by path, read in place.
 *
 * <p>How the expected values were checked, outside the analyzer, on the fixture files:
 * <ul>
 *   <li>npm versions: {@code jq -c '{name, deps: .dependencies}' shared-lib/package.json storefront/package.json} (shared-lib lodash 4.17.21,
 *       storefront ^4.17.20 and ^1.9.0) and {@code jq '.packages' storefront/package-lock.json} (locks lodash
 *       4.17.20, @acme/shared-lib 1.9.0): lodash differs, the shared library is declared by one tree only;</li>
 *   <li>Go: {@code grep -E '(example|github).com' shared-lib/go.mod billing/go.mod storefront/go.mod}: billing requires example.com/acme/shared-lib v1.8.0 at
 *       v1, storefront v1.9.0; github.com/google/uuid v1.6.0 in both shared-lib and billing;</li>
 *   <li>Maven: {@code grep -o '<artifactId>.*' billing/pom.xml}: com.acme:shared-lib 1.9.0 and junit 4.13.2 (test);</li>
 *   <li>imports: {@code grep -rn shared billing storefront} gives the four lines (Invoice.java:3, main.go:6,
 *       cart.js:1, cmd/main.go:3), each of a package shared-lib provides and the importer declares;</li>
 *   <li>identical files: {@code cmp shared-lib/LICENSE billing/LICENSE}, {@code wc -c} (1061 bytes; NOTES.txt is 5,
 *       under the threshold), and the hash by an independent BLAKE3 implementation (npm {@code blake3-wasm} 2.1.5,
 *       {@code hash(readFileSync('billing/LICENSE')).toString('hex')}).</li>
 * </ul>
 */
class CrossRepoIT {

    private static final String LICENSE_BLAKE3 = "f0029b48dad81c08c9f9bd6608eeda69a307296e09d7ca216fef1128531e8186";

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    @TempDir
    static Path tmp;

    static PipelineHarness harness;
    static McpSyncClient client;
    static String prefix;
    static String sharedLibUrl;
    static String billingUrl;
    static String sharedLibCommit;
    static String billingV1;
    static String storefrontHead;

    @BeforeAll
    static void start() throws IOException, InterruptedException {
        Path fixtures = Fixtures.source().resolve("../../../mcpca-analyzer/tests/fixtures/crossrepo").normalize();
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path repos = root.resolve("repos");
        for (String name : List.of("shared-lib", "billing", "storefront")) {
            GitRepos.init(repos.resolve(name));
            Fixtures.copyTree(fixtures.resolve(name), repos.resolve(name));
        }
        sharedLibCommit = commitAll(repos.resolve("shared-lib"), "shared-lib 1.9.0");
        billingV1 = commitAll(repos.resolve("billing"), "billing on shared-lib 1.8.0");
        git(repos.resolve("billing"), "tag", "v1");
        Path billingGoMod = repos.resolve("billing/go.mod");
        Files.writeString(billingGoMod, Files.readString(billingGoMod).replace("shared-lib v1.8.0", "shared-lib v1.9.0"));
        commitAll(repos.resolve("billing"), "billing on shared-lib 1.9.0");
        storefrontHead = commitAll(repos.resolve("storefront"), "storefront");
        sharedLibUrl = repos.resolve("shared-lib").toUri().toString();
        billingUrl = repos.resolve("billing").toUri().toString();
        prefix = REDIS.newPrefix();
        harness = new PipelineHarness(REDIS.uri(), prefix, root, "--mcpca.ingress.call-timeout=60s",
                "--mcpca.cache.tools=analyze-metrics,cross-repo-analysis",
                "--mcpca.worker.checkout.dir=" + tmp.resolve("checkouts"),
                "--mcpca.worker.checkout.clone-timeout=20s",
                "--mcpca.worker.checkout.allowed-urls[0]=https://git.example.invalid/team/");
        client = harness.client();
    }

    @AfterAll
    static void stop() {
        if (harness != null) {
            harness.close();
        }
    }

    private static List<Map<String, Object>> threeRepositories() {
        return List.of(Map.of("url", sharedLibUrl), Map.of("url", billingUrl, "ref", "v1"),
                Map.of("path", "repos/storefront"));
    }

    @Test
    void versionMismatchesAcrossRepositoriesNameEachDeclarationAndTheCommitsRead() {
        Map<String, Object> answer = structured(call(Map.of("repositories", threeRepositories())));

        assertThat(answer).containsEntry("section", "mismatches").containsEntry("minFileBytes", 256);
        assertThat(asMap(answer.get("summary"))).isEqualTo(Map.of("repositories", 3, "dependencies", 6,
                "mismatches", 2, "imports", 4, "identicalFiles", 1));
        List<Map<String, Object>> repositories = asList(answer.get("repositories"));
        assertThat(repositories).extracting(r -> r.get("name") + " " + r.get("root") + " " + r.get("commit"))
                .containsExactly("shared-lib . " + sharedLibCommit, "billing . " + billingV1,
                        "storefront repos/storefront " + storefrontHead);
        assertThat(repositories.get(0).get("provides")).isEqualTo(List.of(
                Map.of("ecosystem", "go", "package", "example.com/acme/shared-lib"),
                Map.of("ecosystem", "maven", "package", "com.acme:shared-lib"),
                Map.of("ecosystem", "npm", "package", "@acme/shared-lib")));
        assertThat(repositories.get(0)).containsEntry("jvmPackages", 1).containsEntry("files", 8);
        assertThat(asList(repositories.get(2).get("manifests"))).extracting(m -> m.get("path") + " " + m.get("kind")
                + " " + m.get("dependencies")).containsExactly("go.mod go 1", "package.json npm 2");

        List<Map<String, Object>> items = asList(answer.get("items"));
        assertThat(items).hasSize(2);
        assertThat(items.get(0)).containsEntry("ecosystem", "go").containsEntry("name", "example.com/acme/shared-lib")
                .containsEntry("mismatch", true).containsEntry("versions", List.of("v1.8.0", "v1.9.0"));
        assertThat(items.get(0).get("declarations")).isEqualTo(List.of(
                Map.of("repository", "billing", "manifest", "go.mod", "version", "v1.8.0", "scope", "runtime"),
                Map.of("repository", "storefront", "manifest", "go.mod", "version", "v1.9.0", "scope", "runtime")));
        // storefront's lock file pins 4.17.20: that is what is compared, not its ^4.17.20
        assertThat(items.get(1)).containsEntry("ecosystem", "npm").containsEntry("name", "lodash")
                .containsEntry("versions", List.of("4.17.20", "4.17.21"));
        assertThat(items.get(1).get("declarations")).isEqualTo(List.of(
                Map.of("repository", "shared-lib", "manifest", "package.json", "version", "4.17.21", "scope", "runtime"),
                Map.of("repository", "storefront", "manifest", "package.json", "version", "^4.17.20",
                        "locked", "4.17.20", "scope", "runtime")));
        assertThat(asMap(answer.get("page"))).isEqualTo(Map.of("offset", 0, "count", 2, "total", 2));
        assertThat(answer.get("nextCursor")).isNull();

        // at billing's main branch (HEAD) it requires v1.9.0 too: only lodash is left
        Map<String, Object> atHead = structured(call(Map.of("repositories", List.of(Map.of("url", sharedLibUrl),
                Map.of("url", billingUrl), Map.of("path", "repos/storefront")))));
        assertThat(asList(atHead.get("items"))).extracting(i -> i.get("name")).containsExactly("lodash");
    }

    @Test
    void everyDeclaredDependencyComesInPages() {
        List<String> names = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        String cursor = null;
        do {
            Map<String, Object> args = new HashMap<>(Map.of("repositories", threeRepositories(),
                    "section", "dependencies", "limit", 4));
            if (cursor != null) {
                args.put("cursor", cursor);
            }
            Map<String, Object> page = structured(call(args));
            asList(page.get("items")).forEach(i -> names.add(i.get("ecosystem") + ":" + i.get("name") + " " + i.get("mismatch")));
            counts.add((Integer) asMap(page.get("page")).get("count"));
            cursor = (String) page.get("nextCursor");
        } while (cursor != null);
        assertThat(counts).containsExactly(4, 2);
        assertThat(names).containsExactly("go:example.com/acme/shared-lib true", "go:github.com/google/uuid false",
                "maven:com.acme:shared-lib false", "maven:junit:junit false", "npm:@acme/shared-lib false",
                "npm:lodash true");
    }

    @Test
    void importsOfTheSharedLibraryByTheConsumersSayWhatTheyMatched() {
        Map<String, Object> answer = structured(call(Map.of("repositories", threeRepositories(), "section", "imports")));
        List<Map<String, Object>> items = asList(answer.get("items"));
        assertThat(items).extracting(i -> i.get("from") + " -> " + i.get("to") + " " + i.get("ecosystem") + ":"
                + i.get("package") + " (" + i.get("via") + ", declared " + i.get("declared") + ") " + i.get("imports")
                + "/" + i.get("files")).containsExactly(
                "billing -> shared-lib go:example.com/acme/shared-lib (go module, declared true) 1/1",
                "billing -> shared-lib maven:com.acme.shared (jvm package, declared true) 1/1",
                "storefront -> shared-lib go:example.com/acme/shared-lib (go module, declared true) 1/1",
                "storefront -> shared-lib npm:@acme/shared-lib (npm name, declared true) 1/1");
        assertThat(items).extracting(i -> asList(i.get("sample")).get(0)).containsExactly(
                Map.of("path", "main.go", "line", 6, "spec", "example.com/acme/shared-lib/strutil"),
                Map.of("path", "src/main/java/com/acme/billing/Invoice.java", "line", 3, "spec", "com.acme.shared.Money"),
                Map.of("path", "cmd/main.go", "line", 3, "spec", "example.com/acme/shared-lib/strutil"),
                Map.of("path", "src/cart.js", "line", 1, "spec", "@acme/shared-lib"));
    }

    @Test
    void identicalFilesAtOrAboveTheThresholdWithTheirHashAndSize() {
        Map<String, Object> answer = structured(call(Map.of("repositories", threeRepositories(),
                "section", "identicalFiles")));
        assertThat(asList(answer.get("items"))).containsExactly(Map.of("hash", LICENSE_BLAKE3, "size", 1061,
                "copies", List.of(Map.of("repository", "shared-lib", "path", "LICENSE"),
                        Map.of("repository", "billing", "path", "LICENSE"))));
        // NOTES.txt ("todo\n", 5 bytes) in the same two: compared only under a lower threshold
        Map<String, Object> small = structured(call(Map.of("repositories", threeRepositories(),
                "section", "identicalFiles", "minFileBytes", 1)));
        assertThat(asList(small.get("items"))).extracting(i -> i.get("size") + " " + asList(i.get("copies")).size())
                .containsExactly("1061 2", "5 2");
    }

    /** With the tool in mcpca.cache.tools: keyed by the trees' names and commits; a tree read in place is never cached. */
    @Test
    void anAnswerOverCheckoutsIsCachedByItsCommitsAndOneWithATreeReadInPlaceIsNot() {
        Map<String, Object> byUrl = Map.of("repositories", List.of(Map.of("url", sharedLibUrl),
                Map.of("url", billingUrl, "ref", "v1")), "section", "identicalFiles");
        int before = storedResults();
        Map<String, Object> first = structured(call(byUrl));
        assertThat(storedResults()).isEqualTo(before + 1);
        assertThat(structured(call(byUrl))).isEqualTo(first);
        assertThat(storedResults()).isEqualTo(before + 1);
        Map<String, Object> inPlace = Map.of("repositories", List.of(Map.of("url", sharedLibUrl),
                Map.of("path", "repos/billing")), "section", "identicalFiles");
        assertThat(asList(structured(call(inPlace)).get("items"))).isEqualTo(asList(first.get("items")));
        assertThat(storedResults()).isEqualTo(before + 1);
    }

    private static int storedResults() {
        return REDIS.sync().keys(prefix + ":result:*").size();
    }

    @Test
    void badInputIsRefusedWithACodeAndTheServiceGoesOn() {
        Map<String, Object> storefront = Map.of("path", "repos/storefront");
        assertSchemaError(call(Map.of("repositories", List.of(storefront))));
        List<Map<String, Object>> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(Map.of("path", "repos/storefront", "name", "s" + i));
        }
        assertSchemaError(call(Map.of("repositories", eleven)));
        assertError(call(Map.of("repositories", List.of(storefront, Map.of("path", "../outside")))), "PATH_OUTSIDE_ROOTS");
        assertError(call(Map.of("repositories", List.of(storefront, Map.of("path", "/etc")))), "PATH_OUTSIDE_ROOTS");
        assertError(call(Map.of("repositories", List.of(storefront, Map.of("url", "https://github.com/acme/lib.git")))),
                "URL_NOT_ALLOWED");
        assertError(call(Map.of("repositories", List.of(storefront, Map.of("url", "file:///etc")))), "PATH_OUTSIDE_ROOTS");
        assertError(call(Map.of("repositories", List.of(storefront, Map.of("path", "repos/no-such-repo")))), "NOT_FOUND");
        assertError(call(Map.of("repositories", List.of(Map.of("path", "repos/billing", "name", "x"),
                Map.of("path", "repos/storefront", "name", "x")))), "BAD_ARGUMENTS");
        assertSchemaError(call(Map.of("repositories", List.of(storefront, Map.of("path", "repos/billing", "url", billingUrl)))));
        assertSchemaError(call(Map.of("repositories", threeRepositories(), "section", "planet")));
        assertError(call(Map.of("repositories", threeRepositories(), "cursor", "garbage")), "BAD_ARGUMENTS");
        assertThat(structured(client.callTool(new CallToolRequest("ping", Map.of())))).containsEntry("pong", true);
        // two trees of one derived name are told apart
        Map<String, Object> twice = structured(call(Map.of("repositories", List.of(storefront, storefront))));
        assertThat(asList(twice.get("repositories"))).extracting(r -> r.get("name")).containsExactly("storefront", "storefront-2");
    }

    private static CallToolResult call(Map<String, Object> arguments) {
        return client.callTool(new CallToolRequest("cross-repo-analysis", arguments));
    }

    /** A call the contract's inputSchema refuses at the ingress. */
    private static void assertSchemaError(CallToolResult result) {
        assertError(result, "BAD_ARGUMENTS");
        assertThat(text(result)).contains("inputSchema");
    }

    private static void assertError(CallToolResult result, String code) {
        assertThat(result.isError()).as(text(result)).isTrue();
        assertThat(text(result)).isNotBlank().contains(code);
    }
}
