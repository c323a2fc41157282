package dev.pausable.trainer.train;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What the driver and a segment's tasks say to each other, round by round: a round's start, a worker's
 * result, "nothing" (no minibatch left) and "stop". Arrays go as their raw little-endian bytes, converted
 * in bulk through a {@link ByteBuffer} view, 64 KiB at a time. (Java serialization, which converts every
 * value on its own, made the exchange of a 1M-parameter network slower than a Spark job per round.)
 */
final class ExchangeWire {

    enum Kind { START, RESULT, NOTHING, STOP }

    /** A message read: its kind and, for a start or a result, the record. */
    record Message(Kind kind, RoundTask.Start start, RoundTask.Result result) {
    }

    private static final int CHUNK_BYTES = 1 << 16;

    private final byte[] chunk = new byte[CHUNK_BYTES];
    private final ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);

    void write(DataOutputStream out, RoundTask.Start start) throws IOException {
        out.writeByte(Kind.START.ordinal());
        writeFlat(out, start.params());
        writeFlat(out, start.updaterState());
        out.writeInt(start.iterationCount());
        out.writeInt(start.epochCount());
    }

    void write(DataOutputStream out, RoundTask.Result result) throws IOException {
        out.writeByte(Kind.RESULT.ordinal());
        writeFlat(out, result.params());
        writeFlat(out, result.updaterState());
        out.writeDouble(result.score());
    }

    static void write(DataOutputStream out, Kind kind) throws IOException {
        out.writeByte(kind.ordinal());
    }

    Message read(DataInputStream in) throws IOException {
        int tag = in.readUnsignedByte();
        if (tag >= Kind.values().length) {
            throw new IOException("Unknown message " + tag);
        }
        Kind kind = Kind.values()[tag];
        return switch (kind) {
            case START -> new Message(kind, new RoundTask.Start(readFlat(in), readFlat(in), in.readInt(),
                    in.readInt()), null);
            case RESULT -> new Message(kind, null, new RoundTask.Result(readFlat(in), readFlat(in), in.readDouble()));
            case NOTHING, STOP -> new Message(kind, null, null);
        };
    }

    /** The bytes of an array's values on the wire (its header aside). */
    static int bytesOf(RoundTask.Flat flat) {
        return flat == null ? 0 : flat.length() * flat.width();
    }

    private void writeFlat(DataOutputStream out, RoundTask.Flat flat) throws IOException {
        if (flat == null) {
            out.writeBoolean(false);
            return;
        }
        out.writeBoolean(true);
        out.writeUTF(flat.type().name());
        out.writeInt(flat.shape().length);
        for (long size : flat.shape()) {
            out.writeLong(size);
        }
        boolean doubles = flat.doubles() != null;
        out.writeBoolean(doubles);
        int length = flat.length();
        out.writeInt(length);
        int width = flat.width();
        for (int from = 0; from < length; from += CHUNK_BYTES / width) {
            int count = Math.min(CHUNK_BYTES / width, length - from);
            buffer.clear();
            if (doubles) {
                buffer.asDoubleBuffer().put(flat.doubles(), from, count);
            } else {
                buffer.asFloatBuffer().put(flat.floats(), from, count);
            }
            out.write(chunk, 0, count * width);
        }
    }

    private RoundTask.Flat readFlat(DataInputStream in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        DataType type = DataType.valueOf(in.readUTF());
        int rank = in.readInt();
        if (rank < 0 || rank > 32) {
            throw new IOException("Bad array rank " + rank);
        }
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++) {
            shape[i] = in.readLong();
        }
        boolean doubles = in.readBoolean();
        int length = in.readInt();
        if (length < 0) {
            throw new IOException("Bad array length " + length);
        }
        float[] floatValues = doubles ? null : new float[length];
        double[] doubleValues = doubles ? new double[length] : null;
        int width = doubles ? Double.BYTES : Float.BYTES;
        for (int from = 0; from < length; from += CHUNK_BYTES / width) {
            int count = Math.min(CHUNK_BYTES / width, length - from);
            in.readFully(chunk, 0, count * width);
            buffer.clear();
            if (doubles) {
                buffer.asDoubleBuffer().get(doubleValues, from, count);
            } else {
                buffer.asFloatBuffer().get(floatValues, from, count);
            }
        }
        return new RoundTask.Flat(type, shape, floatValues, doubleValues);
    }
}
