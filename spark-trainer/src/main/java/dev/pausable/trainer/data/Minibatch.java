package dev.pausable.trainer.data;

import java.util.Arrays;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** A minibatch being filled with standardized rows (row-major floats), then handed to DL4J as a DataSet. */
final class Minibatch {

    private final float[] features;
    private final float[] labels;
    private final int nf;
    private final int nl;
    private int rows;

    Minibatch(int capacity, int nf, int nl) {
        this.features = new float[capacity * nf];
        this.labels = new float[capacity * nl];
        this.nf = nf;
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
        return new DataSet(Nd4j.create(f, new long[] {rows, nf}, 'c'), Nd4j.create(l, new long[] {rows, nl}, 'c'));
    }
}
