package io.mcpca.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: the services' JVM flags set no maximum heap, and a probed serve process grew to 5.8 GB RSS. The flags
 * {@code ./mcpca jvm-options} gives (what serve, ingress and worker start with) bound the heap to a size that fits
 * a 2-core, 4 GB container, {@code MCPCA_MAX_HEAP} changes it, and a JVM accepts them as they are.
 */
class ServiceJvmOptionsTest {

    static final Path LAUNCHER = Path.of("..", "mcpca").toAbsolutePath().normalize();

    @Test
    void theServicesRunWithAMaximumHeapThatFitsA4GbContainer() throws Exception {
        List<String> flags = jvmOptions(Map.of());
        assertThat(flags).contains("-Xmx1536m", "-Xmn1g");
        String finalFlags = run(Map.of(), concat(List.of(javaBinary()), flags, List.of("-XX:+PrintFlagsFinal", "-version")));
        long maxHeap = Arrays.stream(finalFlags.split("\n")).filter(l -> l.contains(" MaxHeapSize "))
                .map(l -> l.trim().split("\\s+")[3]).mapToLong(Long::parseLong).findFirst().orElseThrow();
        assertThat(maxHeap).isEqualTo(1536L * 1024 * 1024);
    }

    @Test
    void mcpcaMaxHeapReplacesOnlyTheMaximum() throws Exception {
        assertThat(jvmOptions(Map.of("MCPCA_MAX_HEAP", "3g"))).contains("-Xmx3g", "-Xmn1g").doesNotContain("-Xmx1536m");
        assertThat(jvmOptions(Map.of("JAVA_OPTS", "-Xmx700m"))).containsExactly("-Xmx700m");
    }

    private static List<String> jvmOptions(Map<String, String> environment) throws Exception {
        return Arrays.stream(run(environment, List.of(LAUNCHER.toString(), "jvm-options")).trim().split("\\s+")).toList();
    }

    private static String run(Map<String, String> environment, List<String> command) throws IOException,
            InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("JAVA_OPTS");
        builder.environment().remove("MCPCA_MAX_HEAP");
        builder.environment().putAll(environment);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as(out).isZero();
        return out;
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> all = new ArrayList<>();
        Arrays.stream(lists).forEach(all::addAll);
        return all;
    }
}
