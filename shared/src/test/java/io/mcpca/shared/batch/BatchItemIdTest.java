package io.mcpca.shared.batch;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpca.shared.keys.Keys;
import org.junit.jupiter.api.Test;

class BatchItemIdTest {

    @Test
    void anItemRequestIdRoundTripsAndOrdinaryIdsAreNoItems() {
        String batch = BatchItemId.newBatchId();
        assertThat(BatchItemId.isBatchId(batch)).isTrue();
        assertThat(BatchItemId.parse(new BatchItemId(batch, 42).requestId())).contains(new BatchItemId(batch, 42));
        assertThat(BatchItemId.parse("5f0c8c1e-3c1d-4b53-9d0e-8d6a3f0b2a11")).isEmpty();
        assertThat(BatchItemId.parse(batch + ":x")).isEmpty();
        assertThat(BatchItemId.parse(null)).isEmpty();
    }

    @Test
    void batchIdsAreRandomAndSafeInAKey() {
        assertThat(BatchItemId.newBatchId()).isNotEqualTo(BatchItemId.newBatchId()).matches("b[a-z2-7]{24}");
        assertThat(BatchItemId.isBatchId("b{x}")).isFalse();
        Keys keys = new Keys("p");
        String batch = BatchItemId.newBatchId();
        assertThat(keys.batch(batch)).isEqualTo("p:batch:{" + batch + "}");
        assertThat(keys.batchItems(batch)).isEqualTo("p:batch:{" + batch + "}:items");
    }

    @Test
    void aBatchCancelIsToldApartFromARequestCancel() {
        String batch = BatchItemId.newBatchId();
        assertThat(BatchItemId.cancelledBatch(BatchItemId.cancelMessage(batch))).contains(batch);
        assertThat(BatchItemId.cancelledBatch("5f0c8c1e-3c1d-4b53-9d0e-8d6a3f0b2a11")).isEmpty();
        assertThat(BatchItemId.cancelledBatch("batch:{evil}")).isEmpty();
    }
}
