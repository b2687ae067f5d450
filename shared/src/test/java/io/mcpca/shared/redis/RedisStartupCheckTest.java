package io.mcpca.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisConnectionException;
import org.junit.jupiter.api.Test;

/**
 * The start-up check names a refused user, also when a cluster client lists every seed's refusal in one message, and
 * takes it for a refusal (the start ends at once), not for an unreachable Redis to wait for.
 */
class RedisStartupCheckTest {

    @Test
    void aUserRefusedByEverySeedOfAClusterIsNamedWithTheRightToGrant() {
        RuntimeException e = new IllegalStateException("Unable to connect", new RedisConnectionException(
                "Cannot retrieve cluster partitions from [redis://u:***@127.0.0.1:7000]\n\nDetails:\n"
                        + "\t[redis://u:***@127.0.0.1:7000]: NOPERM this user has no permissions to run the "
                        + "'cluster|nodes' command\n"));
        assertThat(RedisStartupCheck.explain(e, "redis-cluster://***@127.0.0.1:7000", RedisClientSettings.NONE)
                .message())
                .isEqualTo("Redis at redis-cluster://***@127.0.0.1:7000 refused the user of the URL: NOPERM this user "
                        + "has no permissions to run the 'cluster|nodes' command; grant it (compose/redis/users.acl "
                        + "lists what each role needs, on a Cluster CLUSTER NODES, CLUSTER MYID and ASKING too)");
        assertThat(RedisStartupCheck.explain(e, "x", RedisClientSettings.NONE).unreachable()).isFalse();
    }

    @Test
    void aWrongPasswordIsNamed() {
        RuntimeException e = new IllegalStateException(new RedisConnectionException(
                "WRONGPASS invalid username-password pair or user is disabled."));
        assertThat(RedisStartupCheck.explain(e, "redis://***@h:6379", RedisClientSettings.NONE).message())
                .isEqualTo("Redis at redis://***@h:6379 refused the user of the URL: WRONGPASS invalid "
                        + "username-password pair or user is disabled.");
    }

    @Test
    void aMissingRightOfASingleRedisIsNamedWithTheRightToGrant() {
        RuntimeException e = new IllegalStateException(new RedisConnectionException(
                "NOPERM this user has no permissions to run the 'xadd' command"));
        assertThat(RedisStartupCheck.explain(e, "redis://***@h:6379", RedisClientSettings.NONE).message())
                .startsWith("Redis at redis://***@h:6379 refused the user of the URL: NOPERM this user has no "
                        + "permissions to run the 'xadd' command; grant it");
    }
}
