package dev.pausable.trainer.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pausable.contract.TrainingConfig;
import dev.pausable.trainer.Trainer;
import dev.pausable.trainer.TrainerFixture;
import dev.pausable.trainer.checkpoint.CheckpointCodec;
import dev.pausable.trainer.checkpoint.CheckpointStore;
import dev.pausable.trainer.checkpoint.TrainingState;
import dev.pausable.trainer.db.StoredCheckpoint;
import dev.pausable.trainer.train.ModelFactory;
import dev.pausable.trainer.train.Network;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Not a test: {@code mvn -Pbench verify -pl spark-trainer -Dit.test=CheckpointSizeBenchmark} (or
 * {@code bench/scale-sweep.sh}). What a checkpoint costs as the model grows from 5k to 5M parameters
 * (the built-in network with Adam, whose updater state is twice the parameters), against a real S3
 * server (s3proxy) through s3a: the checkpoint's bytes; writing it (encode, then {@link CheckpointStore#write},
 * which hashes and PUTs) and restoring it ({@link CheckpointStore#readVerified}, which GETs and checks the
 * hash, then decode) against a raw PUT and GET of the same bytes through the same file system. Medians
 * of {@code bench.repeats} (default 5) after one warm-up. Results: target/bench/checkpoint-size.txt and
 * checkpoint-size.tsv (for bench/Plot.java).
 */
class CheckpointSizeBenchmark {

    private static final int REPEATS = Integer.getInteger("bench.repeats", 5);
    private static final int INPUTS = 8;

    private final TrainerFixture fx = TrainerFixture.get();
    private final Report report = new Report();

    private record Model(String name, int width) {
    }

    @Test
    void checkpointWriteAndRestoreAgainstRawPutAndGet() throws Exception {
        Configuration hadoop = fx.spark.sparkContext().hadoopConfiguration();
        String root = "s3a://" + TrainerFixture.BUCKET + "/bench-checkpoints";
        CheckpointStore store = new CheckpointStore(root, hadoop);
        report.line("checkpoints of the built-in network (%d inputs, 2 outputs, Adam) on s3proxy through s3a;"
                + " medians of %d after a warm-up", INPUTS, REPEATS);
        report.line("%-5s %10s %12s %9s %9s %9s %9s %9s %9s %9s %9s", "model", "parameters", "bytes",
                "encode_ms", "store_ms", "write_ms", "put_ms", "fetch_ms", "decode_ms", "restore_ms", "get_ms");
        Report tsv = new Report();
        tsv.row("parameters", "write", "raw PUT", "restore", "raw GET");
        for (Model model : List.of(new Model("5k", 64), new Model("50k", 200), new Model("500k", 700),
                new Model("5M", 2230))) {
            MultiLayerNetwork net = trainedOnce(model.width());
            NormalizerStandardize normalizer = new NormalizerStandardize(Nd4j.zeros(DataType.DOUBLE, 1, INPUTS),
                    Nd4j.ones(DataType.DOUBLE, 1, INPUTS));
            TrainingState state = new TrainingState(TrainingState.FORMAT_VERSION, "bench", 1, 1, 0, 1, 1, 0.5, 1, 0,
                    0.001, 5, "bench", "bench");
            long[] encode = new long[REPEATS];
            long[] stored = new long[REPEATS];
            long[] put = new long[REPEATS];
            long[] fetch = new long[REPEATS];
            long[] decode = new long[REPEATS];
            long[] get = new long[REPEATS];
            byte[] bytes = null;
            for (int i = -1; i < REPEATS; i++) {
                long started = System.nanoTime();
                bytes = CheckpointCodec.encode(new Network.Stack(net), normalizer, state);
                long encoded = System.nanoTime();
                String uri = store.uriFor(UUID.randomUUID(), "checkpoint.zip");
                StoredCheckpoint checkpoint = store.write(uri, 1, 0, bytes);
                long written = System.nanoTime();
                byte[] read = store.readVerified(uri, checkpoint.committed().sizeBytes(), checkpoint.committed().sha256());
                long fetched = System.nanoTime();
                CheckpointCodec.Restored restored = CheckpointCodec.decode(read);
                long decoded = System.nanoTime();
                assertThat(restored.network().params().equals(net.params())).isTrue();

                Path raw = new Path(URI.create(root + "/raw/" + UUID.randomUUID()));
                FileSystem fs = raw.getFileSystem(hadoop);
                long rawStarted = System.nanoTime();
                try (OutputStream out = fs.create(raw, false)) {
                    out.write(bytes);
                }
                long rawPut = System.nanoTime();
                byte[] rawRead;
                try (InputStream in = fs.open(raw)) {
                    rawRead = in.readAllBytes();
                }
                long rawGet = System.nanoTime();
                assertThat(rawRead).hasSameSizeAs(bytes);
                store.delete(uri);
                fs.delete(raw, false);
                if (i >= 0) {
                    encode[i] = encoded - started;
                    stored[i] = written - encoded;
                    fetch[i] = fetched - written;
                    decode[i] = decoded - fetched;
                    put[i] = rawPut - rawStarted;
                    get[i] = rawGet - rawPut;
                }
            }
            double writeMs = ms(encode) + ms(stored);
            double restoreMs = ms(fetch) + ms(decode);
            report.line("%-5s %,10d %,12d %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f", model.name(),
                    net.numParams(), bytes.length, ms(encode), ms(stored), writeMs, ms(put), ms(fetch), ms(decode),
                    restoreMs, ms(get));
            report.line("      write/raw PUT %.2f, restore/raw GET %.2f, %.1f bytes per parameter",
                    writeMs / ms(put), restoreMs / ms(get), (double) bytes.length / net.numParams());
            tsv.row(net.numParams(), writeMs, ms(put), restoreMs, ms(get));
        }
        report.write("checkpoint-size.txt");
        tsv.write("checkpoint-size.tsv");
    }

    /** The built-in network with two hidden layers of {@code width}, its Adam state filled by one fit. */
    private static MultiLayerNetwork trainedOnce(int width) throws Exception {
        TrainingConfig config = Trainer.trainingConfig("""
                {"dataset_id": "%s", "epochs": 1, "batch_size": 64, "learning_rate": 0.001, "seed": 5, "workers": 1,
                 "validation_split": 0.2, "hidden_layers": [%d, %d], "optimizer": "adam"}"""
                .formatted(UUID.randomUUID(), width, width));
        MultiLayerNetwork net = ModelFactory.create(config, INPUTS, 2, false);
        net.fit(new DataSet(Nd4j.rand(DataType.FLOAT, 64, INPUTS), Nd4j.rand(DataType.FLOAT, 64, 2)));
        return net;
    }

    private static double ms(long[] nanos) {
        return Report.median(nanos) / 1e6;
    }
}
