package io.mcpca.workers.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.wire.ErrorCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitUrlsTest {

    @TempDir
    Path tmp;

    private GitUrls urls(String... allowed) throws Exception {
        Files.createDirectories(tmp.resolve("root/repo"));
        return new GitUrls(List.of(allowed), new PathGuard(List.of(tmp.resolve("root"))));
    }

    private static ErrorCode refusal(GitUrls urls, String url) {
        try {
            urls.check(url);
        } catch (CheckoutException e) {
            return e.code();
        }
        throw new AssertionError("allowed: " + url);
    }

    @Test
    void remoteUrlsPassOnlyTheirPatternByHostPortAndPathPrefix() throws Exception {
        GitUrls urls = urls("https://git.example.org/team/", "ssh://*.corp.example");
        assertThat(urls.check("https://git.example.org/team/app.git")).isEqualTo("https://git.example.org/team/app.git");
        assertThat(urls.check("https://GIT.example.org/team")).isNotEmpty();
        assertThat(urls.check("ssh://git@src.corp.example/x.git")).isNotEmpty();
        assertThat(refusal(urls, "https://git.example.org/teammate/app.git")).isEqualTo(ErrorCode.URL_NOT_ALLOWED);
        assertThat(refusal(urls, "https://git.example.org/team/../other/app.git")).isEqualTo(ErrorCode.URL_NOT_ALLOWED);
        assertThat(refusal(urls, "https://git.example.org.evil.test/team/app.git")).isEqualTo(ErrorCode.URL_NOT_ALLOWED);
        assertThat(refusal(urls, "https://git.example.org:8443/team/app.git")).isEqualTo(ErrorCode.URL_NOT_ALLOWED);
        assertThat(refusal(urls, "http://git.example.org/team/app.git")).isEqualTo(ErrorCode.URL_NOT_ALLOWED);
        assertThat(refusal(urls, "ssh://corp.example.evil/x.git")).isEqualTo(ErrorCode.URL_NOT_ALLOWED);
        assertThat(refusal(urls, "ext::sh -c id")).isEqualTo(ErrorCode.URL_NOT_ALLOWED);
        assertThat(refusal(urls, "git@github.com:org/repo.git")).isEqualTo(ErrorCode.URL_NOT_ALLOWED);
        assertThat(urls.schemes()).containsExactly("file", "https", "ssh");
    }

    @Test
    void fileUrlsAreConfinedToTheRoots() throws Exception {
        GitUrls urls = urls();
        assertThat(urls.check(tmp.resolve("root/repo").toUri().toString()))
                .isEqualTo(tmp.resolve("root/repo").toRealPath().toUri().toString());
        assertThat(refusal(urls, tmp.toUri().toString())).isEqualTo(ErrorCode.PATH_OUTSIDE_ROOTS);
        assertThat(refusal(urls, "file://otherhost" + tmp.resolve("root/repo"))).isEqualTo(ErrorCode.URL_NOT_ALLOWED);
        assertThat(refusal(urls, "https://github.com/x/y.git")).isEqualTo(ErrorCode.URL_NOT_ALLOWED);
        assertThat(urls.schemes()).containsExactly("file");
    }

    @Test
    void credentialsAreRedactedWhereverAUrlAppears() {
        assertThat(GitUrls.redact("fatal: unable to access 'https://bob:tok@host/x.git/': no")).isEqualTo(
                "fatal: unable to access 'https://***@host/x.git/': no");
        assertThat(GitUrls.redact("ssh://git@host/x and https://a:b@c/d")).isEqualTo("ssh://***@host/x and https://***@c/d");
        assertThat(GitUrls.redact("no url here: a@b")).isEqualTo("no url here: a@b");
        assertThat(new CheckoutException(ErrorCode.NOT_FOUND, "from https://u:secret@h/r").getMessage())
                .doesNotContain("secret");
    }

    @Test
    void patternsThatAreNotRemoteUrlsAreRefusedAtStart() {
        assertThatThrownBy(() -> urls("file:///srv")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> urls("https://user:pw@host/")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> urls("github.com")).isInstanceOf(IllegalArgumentException.class);
    }
}
