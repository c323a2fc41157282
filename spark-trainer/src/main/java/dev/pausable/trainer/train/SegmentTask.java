package dev.pausable.trainer.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.dataset.DataSet;

/**
 * One worker's part of a segment of rounds, run as one Spark task for all of them: it connects to the
 * driver's {@link RoundExchange}, and for every round receives the averaged state, fits its next
 * minibatches exactly as a {@link RoundTask} would and sends its result back, until the driver says stop.
 * The minibatches come from one pass over the worker's chunks for the rest of the epoch.
 */
final class SegmentTask implements VoidFunction<Iterator<DataSet>> {

    /** Less than the driver's deadline for all tasks, so that a task that cannot reach it fails, not hangs. */
    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

    private final String host;
    private final int port;
    private final String secret;
    private final String epochKey;
    private final Network.Kind kind;
    private final Broadcast<String> configuration;
    private final int frequency;
    private final int threads;

    SegmentTask(RoundExchange exchange, String epochKey, Network.Kind kind, Broadcast<String> configuration,
                int frequency, int threads) {
        this.host = exchange.host();
        this.port = exchange.port();
        this.secret = exchange.secret();
        this.epochKey = epochKey;
        this.kind = kind;
        this.configuration = configuration;
        this.frequency = frequency;
        this.threads = threads;
    }

    @Override
    public void call(Iterator<DataSet> minibatches) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), CONNECT_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(),
                    RoundExchange.BUFFER_BYTES));
            out.writeUTF(secret);
            out.writeInt(TaskContext.getPartitionId());
            out.flush();
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(),
                    RoundExchange.BUFFER_BYTES));
            ExchangeWire wire = new ExchangeWire();
            ExchangeWire.Message message;
            while ((message = wire.read(in)).kind() == ExchangeWire.Kind.START) {
                RoundTask.Result result = RoundTask.fit(epochKey, kind, configuration, message.start(), minibatches,
                        frequency, threads);
                if (result == null) {
                    ExchangeWire.write(out, ExchangeWire.Kind.NOTHING);
                } else {
                    wire.write(out, result);
                }
                out.flush();
            }
        }
    }
}
