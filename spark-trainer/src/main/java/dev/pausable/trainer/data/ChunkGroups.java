package dev.pausable.trainer.data;

import org.apache.spark.Partition;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import scala.Option;

/**
 * Coalesces chosen chunk partitions into one partition per worker, in the given order: output partition
 * {@code w} reads exactly the chunks {@code groups[w]}, one after the other (no shuffle; Spark still
 * schedules the task where those chunks are cached).
 */
// scala.Serializable: CoalescedRDD checks for Scala's marker, not just java.io.Serializable.
final class ChunkGroups implements PartitionCoalescer, scala.Serializable {

    private final int[][] groups;

    ChunkGroups(int[][] groups) {
        this.groups = groups;
    }

    @Override
    public PartitionGroup[] coalesce(int maxPartitions, RDD<?> parent) {
        Partition[] partitions = parent.partitions();
        PartitionGroup[] result = new PartitionGroup[groups.length];
        for (int w = 0; w < groups.length; w++) {
            result[w] = new PartitionGroup(Option.empty());
            for (int partition : groups[w]) {
                result[w].partitions().$plus$eq(partitions[partition]);
            }
        }
        return result;
    }
}
