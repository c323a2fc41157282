package dev.pausable.trainer.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.pausable.trainer.train.Network;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.preprocessor.NormalizerStandardize;
import org.nd4j.linalg.dataset.api.preprocessor.serializer.NormalizerSerializer;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The checkpoint format: a DL4J {@link ModelSerializer} zip written with the updater state and the
 * normalizer, plus our own {@value #STATE_ENTRY}. Any ModelSerializer reader can load the model
 * from it ({@code restoreMultiLayerNetwork} or, for a graph, {@code restoreComputationGraph}); our reader
 * also restores the training state.
 */
public final class CheckpointCodec {

    public static final String STATE_ENTRY = "training-state.json";
    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private CheckpointCodec() {
    }

    public record Restored(Network network, NormalizerStandardize normalizer, TrainingState state) {
    }

    /**
     * Writes ModelSerializer's layout ({@code configuration.json}, {@code coefficients.bin},
     * {@code updaterState.bin}, {@code normalizer.bin}) plus {@value #STATE_ENTRY}.
     * ModelSerializer's own writer cannot be used under Spark 3.5: it closes its zip stream twice,
     * and the second close fails with Spark's commons-io ("flush() failed: stream is closed").
     */
    public static byte[] encode(Network network, NormalizerStandardize normalizer, TrainingState state)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(ModelSerializer.CONFIGURATION_JSON));
            zip.write(network.configurationJson().getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            writeArray(zip, ModelSerializer.COEFFICIENTS_BIN, network.params());
            INDArray updaterState = network.updaterState();
            if (updaterState != null && updaterState.length() > 0) {
                writeArray(zip, ModelSerializer.UPDATER_BIN, updaterState);
            }
            zip.putNextEntry(new ZipEntry(ModelSerializer.NORMALIZER_BIN));
            NormalizerSerializer.getDefault().write(normalizer, new NonClosing(zip));
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(STATE_ENTRY));
            zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
            zip.closeEntry();
        }
        return out.toByteArray();
    }

    /**
     * An array as a STORED (uncompressed) entry: weights and updater state barely deflate (12 bytes of
     * Adam state and parameters became 9.3), and deflating them took 2 s of a 5M-parameter checkpoint's
     * 2.7 s write, restore inflating them again (CheckpointSizeBenchmark). Zip readers take either method.
     */
    private static void writeArray(ZipOutputStream zip, String name, INDArray array) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CRC32 crc = new CRC32();
        try (DataOutputStream data = new DataOutputStream(new BufferedOutputStream(
                new CheckedOutputStream(bytes, crc)))) {
            Nd4j.write(array, data);
        }
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(bytes.size());
        entry.setCompressedSize(bytes.size());
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        bytes.writeTo(zip);
        zip.closeEntry();
    }

    /** Lets serializers close what they were given without closing the zip. */
    private static final class NonClosing extends FilterOutputStream {

        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    public static Restored decode(byte[] checkpoint) throws IOException {
        TrainingState state = null;
        boolean graph = false;
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(checkpoint))) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (STATE_ENTRY.equals(entry.getName())) {
                    state = JSON.readValue(new String(in.readAllBytes(), StandardCharsets.UTF_8), TrainingState.class);
                } else if (ModelSerializer.CONFIGURATION_JSON.equals(entry.getName())) {
                    graph = JSON.readTree(in.readAllBytes()).has("vertices");
                }
            }
        }
        Network network = graph
                ? new Network.Graph(ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(checkpoint), true))
                : new Network.Stack(ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(checkpoint), true));
        NormalizerStandardize normalizer = ModelSerializer.restoreNormalizerFromInputStream(
                new ByteArrayInputStream(checkpoint));
        if (state == null || normalizer == null) {
            throw new IOException("Checkpoint lacks " + (state == null ? STATE_ENTRY : "the normalizer"));
        }
        if (!TrainingState.readable(state.formatVersion())) {
            throw new IOException("Checkpoint format " + state.formatVersion() + " is not supported (expected "
                    + TrainingState.FORMAT_VERSION + ")");
        }
        return new Restored(network, normalizer, state);
    }
}
