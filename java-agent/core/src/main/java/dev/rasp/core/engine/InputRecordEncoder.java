package dev.rasp.core.engine;

import java.util.Arrays;

/**
 * Builds the record addInputs expects (docs/native-boundary.md, "Input record encoding"):
 * {@code u32 version = 1}, {@code u32 count}, then per input {@code u8 source}, the name field
 * and the value field.
 */
public final class InputRecordEncoder {

    public static final int VERSION = 1;

    private final RecordWriter out = new RecordWriter(256);
    private int countAt;
    private int count;

    public InputRecordEncoder() {
        start();
    }

    public InputRecordEncoder start() {
        out.reset();
        count = 0;
        out.u32(VERSION);
        countAt = out.length();
        out.u32(0);
        return this;
    }

    /** {@code source}: an input source code of the contract (dev.rasp.bootstrap.InputSources). */
    public InputRecordEncoder input(int source, String name, String value) {
        out.u8(source);
        out.field(name);
        out.field(value);
        count++;
        out.putU32(countAt, count);
        return this;
    }

    public int count() {
        return count;
    }

    public byte[] buffer() {
        return out.buffer();
    }

    public int length() {
        return out.length();
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(out.buffer(), out.length());
    }
}
