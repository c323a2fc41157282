package dev.pausable.trainer.data;

import java.io.Serializable;
import java.util.List;

/**
 * A bounded piece of a split: the rows of one partition of the chunked layout (see {@link TrainingData}),
 * in id order, raw values row-major. Spark keeps chunks serialized and may spill them to disk, so the
 * data need not fit in memory: only the chunks a task reads are ever deserialized.
 */
record Chunk(int partition, long[] ids, double[] features, double[] labels, int nf, int nl)
        implements Serializable {

    int rows() {
        return ids.length;
    }

    /** Packs examples (already in id order) of one partition. */
    static Chunk of(int partition, List<Example> rows, int nf, int nl) {
        long[] ids = new long[rows.size()];
        double[] features = new double[rows.size() * nf];
        double[] labels = new double[rows.size() * nl];
        for (int r = 0; r < rows.size(); r++) {
            Example e = rows.get(r);
            ids[r] = e.id();
            System.arraycopy(e.features(), 0, features, r * nf, nf);
            System.arraycopy(e.labels(), 0, labels, r * nl, nl);
        }
        return new Chunk(partition, ids, features, labels, nf, nl);
    }
}
