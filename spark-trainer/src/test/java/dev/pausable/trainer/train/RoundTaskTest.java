package dev.pausable.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RoundTaskTest {

    /** The driver's mean of the workers' arrays is what ND4J's addi in partition order and divi compute. */
    @Test
    void theMeanOfFlatArraysIsNd4jsOrderedSumDividedBitForBit() {
        for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            Nd4j.getRandom().setSeed(11);
            List<INDArray> workers = List.of(Nd4j.randn(type, 1, 1001), Nd4j.randn(type, 1, 1001),
                    Nd4j.randn(type, 1, 1001));
            INDArray expected = workers.get(0).dup().addi(workers.get(1)).addi(workers.get(2)).divi(3);

            INDArray mean = RoundTask.Flat.mean(workers.stream().map(RoundTask.Flat::of).toList()).toArray();

            assertThat(mean.dataType()).isEqualTo(type);
            assertThat(mean.shape()).containsExactly(1, 1001);
            assertThat(mean.toDoubleVector()).as(type.toString()).containsExactly(expected.toDoubleVector());
        }
    }
}
