package dev.pausable.trainer.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class ExchangeWireTest {

    private final ExchangeWire wire = new ExchangeWire();

    /** Every value comes back bit for bit, across chunk boundaries, with type, shape and counters. */
    @Test
    void aStartAndAResultComeBackAsTheyWere() throws IOException {
        Nd4j.getRandom().setSeed(5);
        RoundTask.Start start = new RoundTask.Start(RoundTask.Flat.of(Nd4j.randn(DataType.FLOAT, 1, 40_001)),
                RoundTask.Flat.of(Nd4j.randn(DataType.DOUBLE, 1, 20_003)), 1_234, 7);
        RoundTask.Result result = new RoundTask.Result(RoundTask.Flat.of(Nd4j.randn(DataType.HALF, 1, 15)), null,
                0.125);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            wire.write(out, start);
            wire.write(out, result);
            ExchangeWire.write(out, ExchangeWire.Kind.NOTHING);
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));

        RoundTask.Start startRead = wire.read(in).start();
        assertThat(startRead.params().type()).isEqualTo(DataType.FLOAT);
        assertThat(startRead.params().shape()).containsExactly(1, 40_001);
        assertThat(startRead.params().floats()).containsExactly(start.params().floats());
        assertThat(startRead.updaterState().doubles()).containsExactly(start.updaterState().doubles());
        assertThat(startRead.iterationCount()).isEqualTo(1_234);
        assertThat(startRead.epochCount()).isEqualTo(7);
        RoundTask.Result resultRead = wire.read(in).result();
        assertThat(resultRead.params().type()).isEqualTo(DataType.HALF);
        assertThat(resultRead.params().toArray().toDoubleVector())
                .containsExactly(result.params().toArray().toDoubleVector());
        assertThat(resultRead.updaterState()).isNull();
        assertThat(resultRead.score()).isEqualTo(0.125);
        assertThat(wire.read(in).kind()).isEqualTo(ExchangeWire.Kind.NOTHING);
    }
}
