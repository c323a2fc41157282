package dev.pausable.trainer.data;

import java.util.SplittableRandom;

/** Fisher–Yates over {@code 0..size-1}: the same random source gives the same order on every JVM. */
final class Permutations {

    private Permutations() {
    }

    static int[] of(int size, SplittableRandom random) {
        int[] order = new int[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        for (int i = size - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        return order;
    }
}
