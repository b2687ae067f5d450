package io.mcpca.app.observe;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsAddressTest {

    @Test
    void theBoundAddressIsAdvertisedWithTheRealPort() {
        assertThat(MetricsAddress.of("", "127.0.0.1", 40123)).isEqualTo("127.0.0.1:40123");
    }

    @Test
    void aConfiguredHostWinsOverTheBoundAddress() {
        assertThat(MetricsAddress.of("worker-7.example", "0.0.0.0", 8081)).isEqualTo("worker-7.example:8081");
    }

    /** Listening on every interface: 0.0.0.0 is no address another machine can scrape; the machine's is. */
    @Test
    void aWildcardBindAdvertisesTheMachinesAddress() {
        for (String wildcard : new String[] {"0.0.0.0", "::", ""}) {
            String address = MetricsAddress.of("", wildcard, 8081);
            assertThat(address).endsWith(":8081").doesNotStartWith("0.0.0.0").doesNotStartWith("::")
                    .doesNotStartWith(":");
        }
    }

    @Test
    void anIpv6HostIsBracketed() {
        assertThat(MetricsAddress.of("", "::1", 9000)).isEqualTo("[::1]:9000");
    }
}
