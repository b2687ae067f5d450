package io.mcpca.workers.checkout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mcpca.shared.paths.PathGuard;
import io.mcpca.shared.wire.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The clone limits with real git: a repository over {@code clone-max-size} is refused and leaves nothing behind. */
class RepositoryCheckoutsIT {

    @TempDir
    Path tmp;

    @Test
    void aRepositoryOverTheCloneSizeLimitIsRefusedAndLeavesNothing() throws Exception {
        Path repo = Files.createDirectories(tmp.resolve("root/big"));
        git(repo, "init", "--quiet", "--initial-branch=main");
        byte[] noise = new byte[400_000]; // incompressible: the pack is as large as the file
        new Random(7).nextBytes(noise);
        Files.write(repo.resolve("blob.bin"), noise);
        Files.writeString(repo.resolve("a.py"), "x = 1\n");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=T", "-c", "user.email=t@example.invalid", "commit", "--quiet", "-m", "big");
        PathGuard roots = new PathGuard(List.of(tmp.resolve("root")));
        try (RepositoryCheckouts small = new RepositoryCheckouts(new GitUrls(List.of(), roots),
                new CheckoutCache(tmp.resolve("small"), 10_000_000, Clock.systemUTC()), Duration.ofSeconds(30), 100_000)) {
            RepositoryCheckouts.Resolved resolved = small.resolvePath("big", "main", Duration.ofSeconds(30));
            assertThatThrownBy(() -> small.checkout(resolved)).isInstanceOf(CheckoutException.class)
                    .hasMessageContaining("clone-max-size")
                    .satisfies(e -> assertThat(((CheckoutException) e).code()).isEqualTo(ErrorCode.BAD_ARGUMENTS));
            try (var left = Files.list(small.cache().directory())) {
                assertThat(left.map(p -> p.getFileName().toString())).containsExactly(".lock");
            }
        }
        try (RepositoryCheckouts large = new RepositoryCheckouts(new GitUrls(List.of(), roots),
                new CheckoutCache(tmp.resolve("large"), 10_000_000, Clock.systemUTC()), Duration.ofSeconds(30),
                5_000_000)) {
            RepositoryCheckouts.Resolved resolved = large.resolveUrl(repo.toUri().toString(), Optional.empty(),
                    Duration.ofSeconds(30));
            try (CheckoutCache.Lease lease = large.checkout(resolved)) {
                assertThat(lease.path().resolve("a.py")).hasContent("x = 1");
                assertThat(lease.commit()).isEqualTo(git(repo, "rev-parse", "HEAD").strip());
                assertThat(Files.readString(lease.path().resolve(".git/config"))).doesNotContain(repo.toString());
            }
        }
    }

    private static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        GitCommand.environment(builder.environment());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("%s: %s", command, out).isZero();
        return out;
    }
}
