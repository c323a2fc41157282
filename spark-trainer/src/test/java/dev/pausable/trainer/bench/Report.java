package dev.pausable.trainer.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** A benchmark's lines: printed as they come (prefixed {@code BENCH}) and written to target/bench at the end. */
final class Report {

    private final List<String> lines = new ArrayList<>();

    void line(String format, Object... args) {
        String text = String.format(Locale.ROOT, format, args);
        System.out.println("BENCH " + text);
        lines.add(text);
    }

    /** A tab-separated row for a plot (bench/Plot.java), kept but not printed. */
    void row(Object... cells) {
        lines.add(Arrays.stream(cells).map(String::valueOf).collect(Collectors.joining("\t")));
    }

    void write(String fileName) throws IOException {
        Path out = Path.of("target", "bench");
        Files.createDirectories(out);
        Files.write(out.resolve(fileName), lines);
    }

    /** The median; for an even count the mean of the middle two. */
    static long median(long[] values) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
