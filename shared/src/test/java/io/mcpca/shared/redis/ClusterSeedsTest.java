package io.mcpca.shared.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.lettuce.core.RedisURI;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterSeedsTest {

    @Test
    void eachSeedBecomesANodeUriWithTheSameCredentialsAndOptions() {
        List<RedisURI> seeds = ClusterSeeds.parse("redis-cluster://app:s3cret@10.0.0.1:7001, 10.0.0.2:7002?timeout=3s");
        assertThat(seeds).extracting(RedisURI::getHost).containsExactly("10.0.0.1", "10.0.0.2");
        assertThat(seeds).extracting(RedisURI::getPort).containsExactly(7001, 7002);
        assertThat(seeds).extracting(u -> u.getCredentialsProvider().resolveCredentials().block())
                .allSatisfy(c -> {
                    assertThat(c.getUsername()).isEqualTo("app");
                    assertThat(new String(c.getPassword())).isEqualTo("s3cret");
                });
        assertThat(seeds).extracting(u -> u.getTimeout().toSeconds()).containsOnly(3L);
        assertThat(seeds).extracting(RedisURI::isSsl).containsOnly(false);
    }

    @Test
    void theTlsSchemeMakesTlsSeeds() {
        assertThat(ClusterSeeds.parse("rediss-cluster://h:6380/")).singleElement()
                .satisfies(u -> assertThat(u.isSsl()).isTrue()).extracting(RedisURI::getPort).isEqualTo(6380);
    }

    @Test
    void onlyTheClusterSchemesNameACluster() {
        assertThat(ClusterSeeds.named("REDIS-CLUSTER://h:1")).isTrue();
        assertThat(ClusterSeeds.named("redis://h:1")).isFalse();
        assertThat(ClusterSeeds.named("redis-sentinel://h:26379?sentinelMasterId=m")).isFalse();
    }

    @Test
    void anEmptySeedOrADatabaseIsRefusedWithTheReason() {
        assertThatIllegalArgumentException().isThrownBy(() -> ClusterSeeds.parse("redis-cluster://h:1,,h:2"))
                .withMessageContaining("empty seed node");
        assertThatIllegalArgumentException().isThrownBy(() -> ClusterSeeds.parse("redis-cluster://h:1/2"))
                .withMessageContaining("no database number");
        assertThatIllegalArgumentException().isThrownBy(() -> ClusterSeeds.parse("redis://h:1"))
                .withMessageContaining("not a cluster URI");
    }
}
