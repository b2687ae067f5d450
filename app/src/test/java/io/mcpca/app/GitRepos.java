package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Git repositories the tests make: git run as an argument list without the machine's global or system config (so a
 * user's hooks, filters or identity change nothing), commits with a fixed identity, and copies of real trees.
 */
public final class GitRepos {

    private GitRepos() {
    }

    /** Runs {@code git args} in {@code dir}, asserting it succeeds; its output. */
    public static String git(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        builder.environment().put("GIT_CONFIG_GLOBAL", "/dev/null");
        builder.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("git %s: %s", command, out).isZero();
        return out;
    }

    /** A new repository in {@code dir} on branch {@code main}. */
    public static void init(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        git(dir, "init", "--quiet", "--initial-branch=main");
    }

    /** Commits everything in the work tree; the new commit's name. */
    public static String commitAll(Path repo, String message) throws IOException, InterruptedException {
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.invalid", "commit", "--quiet", "-m", message);
        return git(repo, "rev-parse", "HEAD").strip();
    }

    /**
     * A repository of copies of real trees at two refs: tag {@code v1} holds {@code first} (as {@code firstDir}), branch
     * main adds {@code second} (as {@code secondDir}).
     */
    public static void withTwoRefs(Path repo, Path first, String firstDir, Path second, String secondDir)
            throws IOException, InterruptedException {
        init(repo);
        copyTree(first, repo.resolve(firstDir));
        commitAll(repo, firstDir);
        git(repo, "tag", "v1");
        copyTree(second, repo.resolve(secondDir));
        commitAll(repo, secondDir);
    }

    /** Copies the regular files and directories of {@code from} into {@code to} (no symlinks, no {@code target/}). */
    public static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (d.getFileName().toString().equals("target") && !d.equals(from)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()));
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
