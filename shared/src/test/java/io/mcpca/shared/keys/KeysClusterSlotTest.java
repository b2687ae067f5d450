package io.mcpca.shared.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.SlotHash;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every multi-key script keeps its keys in one Redis Cluster slot (no CROSSSLOT), whatever the session id;
 * request partitions spread over slots. Slots computed with Lettuce's own CRC16 hash-tag rule.
 */
class KeysClusterSlotTest {

    private static final List<String> SESSION_IDS = List.of("s", "alice-1", "a}b", "{x}", "ümlaut", "x".repeat(300),
            "5b0e6c5a-7d2b-4a55-9f1e-0c6d6d3a1f00");

    @Test
    void aSessionsLockFenceRecordAndCallRecordsShareOneSlot() {
        Keys keys = new Keys("mcpca");
        for (String sid : SESSION_IDS) {
            // startCall-3, finishCall-4, transitionExecution-1 take these together
            Set<Integer> slots = new HashSet<>(List.of(slot(keys.lock(sid)), slot(keys.fence(sid)),
                    slot(keys.session(sid)), slot(keys.execution(sid, "r1")), slot(keys.execution(sid, "other"))));
            assertThat(slots).as("slots of session %s", sid).hasSize(1);
        }
    }

    @Test
    void anEmptySessionIdIsRefusedBecauseItWouldHaveNoHashTag() {
        Keys keys = new Keys("mcpca");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException().isThrownBy(() -> keys.lock(""))
                .withMessageContaining("session id");
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> keys.execution("", "r1"));
    }

    @Test
    void requestPartitionsSpreadOverSlotsAndTheDefaultPrefixDoesNotMatter() {
        Keys keys = new Keys("mcpca");
        Set<Integer> slots = new HashSet<>();
        for (int n = 0; n < 16; n++) {
            slots.add(slot(keys.requestStream("fast", n)));
        }
        assertThat(slots).hasSizeGreaterThan(8);
        assertThat(slot(new Keys("tenant-a").lock("s"))).isEqualTo(slot(keys.lock("s")));
    }

    private static int slot(String key) {
        return SlotHash.getSlot(key);
    }
}
