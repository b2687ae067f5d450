package io.mcpca.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every command a role needs has a probe, and the documented ACL users grant exactly those commands. */
class RedisRightsTest {

    @Test
    void everyCommandOfEveryRoleHasAProbeNamingTheProbeKey() {
        for (RedisRights.Role role : RedisRights.Role.values()) {
            for (String command : role.commands()) {
                List<String> args = RedisRights.sampleArguments(command, "p:rights-probe", "p:events:rights-probe", "p");
                if (!List.of("ping", "info").contains(command)) {
                    assertThat(args).as(command).anyMatch(a -> a.startsWith("p:"));
                }
            }
        }
        for (String command : RedisRights.CLUSTER_COMMANDS) {
            assertThat(RedisRights.sampleArguments(command, "p:rights-probe", "p:events:rights-probe", "p"))
                    .as(command).isEmpty();
        }
        assertThatThrownBy(() -> RedisRights.sampleArguments("flushall", "k", "c", "p"))
                .hasMessage("no probe for flushall");
    }

    @Test
    void theUsersFileGrantsEachRoleItsCommandsAndTheCheckItself() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("../compose/redis/users.acl"));
        assertThat(granted(lines, "mcpca-ingress")).containsExactlyInAnyOrderElementsOf(
                withCheck(RedisRights.Role.INGRESS));
        assertThat(granted(lines, "mcpca-worker")).containsExactlyInAnyOrderElementsOf(
                withCheck(RedisRights.Role.WORKER));
    }

    /**
     * The role's commands, plus the connection's own (HELLO, AUTH, CLIENT SETNAME), the check's, WAIT, and what Lettuce
     * sends on a Cluster (one file serves every mode).
     */
    private static List<String> withCheck(RedisRights.Role role) {
        List<String> all = new ArrayList<>(role.commands());
        all.addAll(RedisRights.CLUSTER_COMMANDS);
        all.addAll(List.of("hello", "auth", "client|setname", "multi", "discard", "wait"));
        return all;
    }

    private static List<String> granted(List<String> lines, String user) {
        String line = lines.stream().filter(l -> l.startsWith("user " + user + " ")).findFirst().orElseThrow();
        return List.of(line.split(" ")).stream().filter(w -> w.startsWith("+")).map(w -> w.substring(1)).toList();
    }
}
