package dev.pausable.trainer.data;

import java.util.Arrays;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A minibatch being filled with standardized rows (row-major floats), then handed to DL4J as a DataSet
 * whose features have each example in {@code exampleShape} ({@code [n]}, {@code [features, time]} or
 * {@code [channels, height, width]}; a row's values are that array in row-major order).
 */
final class Minibatch {

    private final float[] features;
    private final float[] labels;
    private final long[] exampleShape;
    private final int nf;
    private final int nl;
    private int rows;

    Minibatch(int capacity, long[] exampleShape, int nl) {
        this.exampleShape = exampleShape;
        this.nf = (int) Arrays.stream(exampleShape).reduce(1, Math::multiplyExact);
        this.features = new float[capacity * nf];
        this.labels = new float[capacity * nl];
        this.nl = nl;
    }

    /** Appends row {@code row} of {@code chunk}, standardized. */
    void add(Chunk chunk, int row, Standardization stats) {
        double[] fMean = stats.featureMean();
        double[] fStd = stats.featureStd();
        double[] lMean = stats.labelMean();
        double[] lStd = stats.labelStd();
        for (int i = 0; i < nf; i++) {
            features[rows * nf + i] = (float) ((chunk.features()[row * nf + i] - fMean[i]) / fStd[i]);
        }
        for (int i = 0; i < nl; i++) {
            labels[rows * nl + i] = (float) ((chunk.labels()[row * nl + i] - lMean[i]) / lStd[i]);
        }
        rows++;
    }

    boolean full() {
        return rows * nf == features.length;
    }

    DataSet toDataSet() {
        float[] f = full() ? features : Arrays.copyOf(features, rows * nf);
        float[] l = full() ? labels : Arrays.copyOf(labels, rows * nl);
        long[] shape = new long[1 + exampleShape.length];
        shape[0] = rows;
        System.arraycopy(exampleShape, 0, shape, 1, exampleShape.length);
        return new DataSet(Nd4j.create(f, shape, 'c'), Nd4j.create(l, new long[] {rows, nl}, 'c'));
    }
}
