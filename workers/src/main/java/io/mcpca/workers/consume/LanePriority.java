package io.mcpca.workers.consume;

import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs.StreamOffset;
import java.util.Arrays;
import java.util.List;

/**
 * Which of a pool's batch lanes the read loop's next read takes (docs/decisions/036): the read's streams are the
 * partitions, then the lanes highest priority first. After a read in which a lane gave a full COUNT (it has more
 * waiting), the next read leaves out every lane below it; after one in which no lane did, the next read takes them
 * all again. So while higher-priority batch items wait, lower ones are not read (those already read still run,
 * after the higher ones of their read), and interactive partitions are always read. One loop thread owns it.
 */
final class LanePriority {

    private final StreamOffset<byte[]>[] offsets;
    private final int firstLane;
    /** Lanes the next read takes, from the highest. */
    private int lanes;
    /** Whether the last read found a lane with more waiting than it took. */
    private boolean backlogged;

    /**
     * @param offsets every stream of the pool, its {@code lanes} batch lanes last, highest priority first
     */
    LanePriority(StreamOffset<byte[]>[] offsets, int lanes) {
        this.offsets = offsets;
        this.firstLane = offsets.length - lanes;
        this.lanes = lanes;
    }

    /** The streams of the next read: the partitions and the lanes not left out. */
    StreamOffset<byte[]>[] nextRead() {
        return firstLane + lanes == offsets.length ? offsets : Arrays.copyOf(offsets, firstLane + lanes);
    }

    /** Notes what a read of {@code count} per stream gave: a full lane leaves out those below it next time. */
    void read(List<StreamMessage<byte[], byte[]>> messages, int count) {
        int[] perLane = new int[offsets.length - firstLane];
        for (StreamMessage<byte[], byte[]> message : messages) {
            int lane = laneOf(message.getStream());
            if (lane >= 0) {
                perLane[lane]++;
            }
        }
        int taken = perLane.length;
        for (int lane = 0; lane < perLane.length; lane++) {
            if (perLane[lane] >= count) {
                taken = lane + 1;
                break;
            }
        }
        backlogged = taken < perLane.length || perLane[perLane.length - 1] >= count;
        lanes = taken;
    }

    /** Whether the last read found a lane with more waiting than it took (a batch backlog). */
    boolean backlogged() {
        return backlogged;
    }

    private int laneOf(byte[] stream) {
        for (int i = firstLane; i < offsets.length; i++) {
            if (Arrays.equals(offsets[i].getName(), stream)) {
                return i - firstLane;
            }
        }
        return -1;
    }
}
