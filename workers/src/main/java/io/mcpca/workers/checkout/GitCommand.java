package io.mcpca.workers.checkout;

import io.mcpca.shared.wire.ErrorCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code git} as an argument list (never a shell), hardened for repositories nobody vetted: no hooks
 * ({@code core.hooksPath=/dev/null}; a fetch never copies a repository's hooks or config, and init runs with no
 * templates), no system or global configuration (so no user's filters, credential helpers or
 * {@code url.insteadOf}), only the transports in use ({@code protocol.allow=never} plus each allowed scheme),
 * objects checked on receipt, no submodules, no prompts ({@code GIT_TERMINAL_PROMPT=0}, ssh in batch mode).
 * Every run has a time limit, and may have a size limit on a directory it fills: it checks the time every
 * {@value #POLL_MS} ms and the directory's size every {@value #SIZE_POLLS}th time, and kills git (and its children: upload-pack, ssh, remote helpers) once either is
 * passed. Output goes to files, so a chatty git never blocks on a full pipe.
 */
final class GitCommand {

    /** How often a running git's time and directory size are checked: a tenth of a second of overrun at most. */
    static final long POLL_MS = 100;
    /**
     * The directory is measured every this many polls (half a second): a walk of a large checkout costs tens of ms,
     * and half a second of a fast fetch is tens of MB over the limit at most, which the final check still refuses.
     */
    static final int SIZE_POLLS = 5;
    /** Stderr kept for an error message: the end of it, where git says what failed. */
    private static final int MESSAGE_CHARS = 600;

    private final List<String> hardening;
    private final Path scratch;

    /**
     * @param schemes transports git may use (see {@link GitUrls#schemes})
     * @param scratch where output files go while git runs
     */
    GitCommand(Set<String> schemes, Path scratch) {
        List<String> options = new ArrayList<>(List.of(
                "core.hooksPath=/dev/null", "core.fsmonitor=false", "core.askPass=", "credential.helper=",
                "protocol.allow=never", "transfer.fsckObjects=true", "fetch.recurseSubmodules=false",
                "submodule.recurse=false", "advice.detachedHead=false", "init.defaultBranch=main", "gc.auto=0",
                "maintenance.auto=false"));
        schemes.forEach(s -> options.add("protocol." + s + ".allow=always"));
        List<String> flags = new ArrayList<>();
        options.forEach(o -> {
            flags.add("-c");
            flags.add(o);
        });
        this.hardening = List.copyOf(flags);
        this.scratch = scratch;
    }

    /** A directory git fills, and the most it may hold. */
    record SizeLimit(Path directory, long maxBytes) {
    }

    /**
     * Runs {@code git <hardening> <args>} in {@code workDir} and returns its stdout.
     *
     * @throws CheckoutException {@code DEADLINE_EXCEEDED} past {@code timeout}, {@code BAD_ARGUMENTS} over the
     *                           size limit, {@code what}'s failure code (with git's last words) on a non-zero exit
     */
    String run(Path workDir, List<String> args, Duration timeout, Optional<SizeLimit> limit, ErrorCode onFailure,
               String what) {
        List<String> command = new ArrayList<>();
        command.add("git");
        command.addAll(hardening);
        command.addAll(args);
        Path out = null;
        Path err = null;
        Process process = null;
        try {
            out = Files.createTempFile(scratch, ".git-out-", ".txt");
            err = Files.createTempFile(scratch, ".git-err-", ".txt");
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            environment(builder.environment());
            long deadline = System.nanoTime() + timeout.toNanos();
            process = builder.start();
            int polls = 0;
            while (!process.waitFor(POLL_MS, TimeUnit.MILLISECONDS)) {
                if (System.nanoTime() - deadline > 0) {
                    kill(process);
                    throw new CheckoutException(ErrorCode.DEADLINE_EXCEEDED, what + " took longer than "
                            + timeout.toSeconds() + " s (mcpca.worker.checkout.clone-timeout, or the call's deadline)");
                }
                if (limit.isPresent() && ++polls % SIZE_POLLS == 0
                        && CheckoutCache.sizeOf(limit.get().directory()) > limit.get().maxBytes()) {
                    kill(process);
                    throw tooLarge(limit.get().maxBytes());
                }
            }
            if (limit.isPresent() && CheckoutCache.sizeOf(limit.get().directory()) > limit.get().maxBytes()) {
                throw tooLarge(limit.get().maxBytes());
            }
            if (process.exitValue() != 0) {
                throw new CheckoutException(onFailure, what + " failed: " + tail(err));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CheckoutException(ErrorCode.INTERNAL, what + " could not run git: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CheckoutException(ErrorCode.UNAVAILABLE, what + " interrupted: the worker is shutting down");
        } finally {
            if (process != null && process.isAlive()) {
                kill(process);
            }
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    /** Git's environment: the worker's, less every GIT_* variable, plus no prompts and no outside configuration. */
    static void environment(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("GIT_") || k.equals("SSH_ASKPASS"));
        env.put("GIT_TERMINAL_PROMPT", "0");
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("GIT_SSH_COMMAND", "ssh -o BatchMode=yes");
        env.put("GIT_PROTOCOL_FROM_USER", "0");
        env.put("LC_ALL", "C");
    }

    private static CheckoutException tooLarge(long maxBytes) {
        return new CheckoutException(ErrorCode.BAD_ARGUMENTS, "the repository is larger than " + maxBytes
                + " bytes checked out (mcpca.worker.checkout.clone-max-size)");
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path err) throws IOException {
        try (InputStream in = Files.newInputStream(err)) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            return text.length() > MESSAGE_CHARS ? "..." + text.substring(text.length() - MESSAGE_CHARS) : text;
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
