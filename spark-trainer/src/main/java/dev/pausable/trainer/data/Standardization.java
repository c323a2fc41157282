package dev.pausable.trainer.data;

import java.io.Serializable;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Per-column mean and standard deviation of features and labels (training split). Applied inside
 * Spark tasks from plain arrays, and saved with every checkpoint and the final model as DL4J's
 * {@link NormalizerStandardize}, so inference and resume use exactly the same transform.
 */
public record Standardization(double[] featureMean, double[] featureStd, double[] labelMean, double[] labelStd)
        implements Serializable {

    private static final double MIN_STD = 1e-8;

    static Standardization fromSums(List<double[]> partials, int nf, int nl) {
        double[] total = new double[1 + 2 * (nf + nl)];
        for (double[] partial : partials) {
            for (int i = 0; i < total.length; i++) {
                total[i] += partial[i];
            }
        }
        double n = total[0];
        double[] fMean = new double[nf];
        double[] fStd = new double[nf];
        double[] lMean = new double[nl];
        double[] lStd = new double[nl];
        for (int i = 0; i < nf; i++) {
            fMean[i] = total[1 + i] / n;
            fStd[i] = std(total[1 + nf + nl + i] / n, fMean[i]);
        }
        for (int i = 0; i < nl; i++) {
            lMean[i] = total[1 + nf + i] / n;
            lStd[i] = std(total[1 + 2 * nf + nl + i] / n, lMean[i]);
        }
        return new Standardization(fMean, fStd, lMean, lStd);
    }

    private static double std(double meanOfSquares, double mean) {
        return Math.max(MIN_STD, Math.sqrt(Math.max(0, meanOfSquares - mean * mean)));
    }

    public NormalizerStandardize toNormalizer() {
        NormalizerStandardize normalizer = new NormalizerStandardize(row(featureMean), row(featureStd),
                row(labelMean), row(labelStd));
        normalizer.fitLabel(true);
        return normalizer;
    }

    public static Standardization fromNormalizer(NormalizerStandardize normalizer) {
        return new Standardization(normalizer.getMean().toDoubleVector(), normalizer.getStd().toDoubleVector(),
                normalizer.getLabelMean().toDoubleVector(), normalizer.getLabelStd().toDoubleVector());
    }

    private static INDArray row(double[] values) {
        return Nd4j.create(values, new long[] {1, values.length}, DataType.DOUBLE);
    }
}
