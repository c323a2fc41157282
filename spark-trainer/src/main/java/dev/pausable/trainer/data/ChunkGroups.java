package dev.pausable.trainer.data;

import org.apache.spark.Partition;
import org.apache.spark.rdd.PartitionCoalescer;
import org.apache.spark.rdd.PartitionGroup;
import org.apache.spark.rdd.RDD;
import scala.Option;

/**
 * Coalesces chosen chunk partitions into given groups, in the given order: output partition {@code g}
 * reads exactly the chunks {@code groups[g]}, one after the other (no shuffle; Spark still schedules the
 * task where those chunks are cached). A round groups each worker's chunks; validation, consecutive ones.
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
        for (int g = 0; g < groups.length; g++) {
            result[g] = new PartitionGroup(Option.empty());
            for (int partition : groups[g]) {
                result[g].partitions().$plus$eq(partitions[partition]);
            }
        }
        return result;
    }
}
