package dev.pausable.trainer.train;

/**
 * Best validation loss, its epoch, and the epochs since it last improved. Part of every checkpoint,
 * so a resumed run stops early exactly when the uninterrupted run would have.
 */
final class EarlyStopping {

    private final int patience;
    private Double best;
    private int bestEpoch;
    private int sinceImprovement;

    /** @param patience epochs without improvement before stopping; 0 = never stop early */
    EarlyStopping(int patience, Double best, int bestEpoch, int sinceImprovement) {
        this.patience = patience;
        this.best = best;
        this.bestEpoch = bestEpoch;
        this.sinceImprovement = sinceImprovement;
    }

    /** Records an epoch's validation loss; only a strictly lower loss counts as improvement. */
    void record(int epoch, double valLoss) {
        if (best == null || valLoss < best) {
            best = valLoss;
            bestEpoch = epoch;
            sinceImprovement = 0;
        } else {
            sinceImprovement++;
        }
    }

    boolean shouldStop() {
        return patience > 0 && sinceImprovement >= patience;
    }

    Double best() {
        return best;
    }

    int bestEpoch() {
        return bestEpoch;
    }

    int sinceImprovement() {
        return sinceImprovement;
    }
}
