package dev.pausable.trainer.train;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The driver's end of a segment of rounds: a socket the segment's {@link SegmentTask}s connect to (each
 * naming its partition and the segment's secret, so nothing else can feed the averaging), through which
 * every round's starting state goes out and the workers' results come back, read in partition order.
 * Each worker's connection has a thread of its own, so that workers receive their start and send their
 * results at the same time. Any failure is a {@link Broken}: the caller falls back to a Spark job per round
 * from the last average.
 */
final class RoundExchange implements AutoCloseable {

    private static final int HELLO_TIMEOUT_MILLIS = 10_000;
    static final int BUFFER_BYTES = 1 << 16;

    /** The exchange cannot go on; the rounds it did complete stand. */
    static final class Broken extends Exception {
        Broken(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private record Connection(Socket socket, DataInputStream in, DataOutputStream out, ExchangeWire wire) {
    }

    private final ServerSocket server;
    private final String host;
    private final String secret = UUID.randomUUID().toString();
    private Connection[] workers = new Connection[0];
    private Future<?> job;
    private ExecutorService io;

    private RoundExchange(ServerSocket server, String host) {
        this.server = server;
        this.host = host;
    }

    /** Listens on {@code bindAddress} (any free port) for tasks that reach the driver as {@code host}. */
    static RoundExchange open(String bindAddress, String host) throws IOException {
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0));
        return new RoundExchange(server, host);
    }

    String host() {
        return host;
    }

    int port() {
        return server.getLocalPort();
    }

    String secret() {
        return secret;
    }

    /** Waits until the tasks of partitions 0..count-1 have connected, while {@code job} runs, until the deadline. */
    void connect(int count, long deadlineNanos, Future<?> job) throws Broken {
        this.job = job;
        AtomicInteger threads = new AtomicInteger();
        io = Executors.newFixedThreadPool(count, runnable -> {
            Thread thread = new Thread(runnable, "round-exchange-" + threads.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
        Connection[] connected = new Connection[count];
        // Closed by close() whatever happens here, so that a task that did connect is not left waiting.
        workers = connected;
        int done = 0;
        try {
            server.setSoTimeout(200);
            while (done < count) {
                if (job.isDone()) {
                    throw new Broken("The segment's Spark job ended before its tasks connected", null);
                }
                if (System.nanoTime() > deadlineNanos) {
                    throw new Broken(done + " of " + count + " tasks connected in time (too few free task slots?)",
                            null);
                }
                Socket socket;
                try {
                    socket = server.accept();
                } catch (SocketTimeoutException e) {
                    continue;
                }
                Greeted greeted = hello(socket, count, connected);
                if (greeted != null) {
                    connected[greeted.partition()] = greeted.connection();
                    done++;
                }
            }
            // A task Spark retries cannot join a running segment: refused, it fails, and so does the job.
            server.close();
        } catch (IOException e) {
            throw new Broken("Tasks could not connect: " + e, e);
        }
    }

    private record Greeted(int partition, Connection connection) {
    }

    /** A task's greeting: the secret and a partition not yet connected; anything else is closed and ignored. */
    private Greeted hello(Socket socket, int count, Connection[] connected) {
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(HELLO_TIMEOUT_MILLIS);
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream(), BUFFER_BYTES));
            String offered = in.readUTF();
            int partition = in.readInt();
            if (!secret.equals(offered) || partition < 0 || partition >= count || connected[partition] != null) {
                socket.close();
                return null;
            }
            socket.setSoTimeout(0);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(),
                    BUFFER_BYTES));
            return new Greeted(partition, new Connection(socket, in, out, new ExchangeWire()));
        } catch (IOException e) {
            closeQuietly(socket);
            return null;
        }
    }

    /**
     * One round: {@code start} to every worker, then their results in partition order (none from a worker
     * with no minibatch). Each worker's exchange runs on its connection's thread while this one watches the
     * segment's job: a task that Spark lost ends the job, not the socket read.
     */
    List<RoundTask.Result> round(RoundTask.Start start) throws Broken {
        byte[] encoded = encode(start);
        List<Future<RoundTask.Result>> answers = new ArrayList<>(workers.length);
        for (Connection worker : workers) {
            answers.add(io.submit(() -> exchange(worker, encoded)));
        }
        List<RoundTask.Result> results = new ArrayList<>(workers.length);
        for (Future<RoundTask.Result> answer : answers) {
            RoundTask.Result result = await(answer);
            if (result != null) {
                results.add(result);
            }
        }
        return results;
    }

    /** The start once as bytes, the same for every worker. */
    private static byte[] encode(RoundTask.Start start) throws Broken {
        // Sized for the arrays up front: growing by doubling copied a large model's start several times a round.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(ExchangeWire.bytesOf(start.params())
                + ExchangeWire.bytesOf(start.updaterState()) + 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            new ExchangeWire().write(out, start);
        } catch (IOException e) {
            throw new Broken("Could not encode a round's start: " + e, e);
        }
        return bytes.toByteArray();
    }

    private RoundTask.Result await(Future<RoundTask.Result> answer) throws Broken {
        while (true) {
            try {
                return answer.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                if (job.isDone()) {
                    throw new Broken("The segment's Spark job ended during a round", null);
                }
            } catch (ExecutionException e) {
                throw new Broken("A worker's connection failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Broken("Interrupted during a round", e);
            }
        }
    }

    /** A worker's round: its start out, its result (null: it had no minibatch) back. */
    private static RoundTask.Result exchange(Connection worker, byte[] start) throws IOException {
        worker.out().write(start);
        worker.out().flush();
        ExchangeWire.Message answer = worker.wire().read(worker.in());
        return switch (answer.kind()) {
            case RESULT -> answer.result();
            case NOTHING -> null;
            default -> throw new IOException("Unexpected answer from a worker: " + answer.kind());
        };
    }

    /**
     * Tells the workers' tasks to end; true if every one was told. The rounds are decided either way: a task
     * not told ends when {@link #close} closes its socket.
     */
    boolean stop() {
        try {
            for (Connection worker : workers) {
                ExchangeWire.write(worker.out(), ExchangeWire.Kind.STOP);
                worker.out().flush();
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (io != null) {
            io.shutdownNow();
        }
        Arrays.stream(workers).filter(Objects::nonNull).forEach(RoundExchange::closeQuietly);
        closeQuietly(server);
    }

    private static void closeQuietly(Connection connection) {
        closeQuietly(connection.socket());
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing after a failure: the failure is what is reported
        }
    }
}
