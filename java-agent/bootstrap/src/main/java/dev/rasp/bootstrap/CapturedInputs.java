package dev.rasp.bootstrap;

/**
 * Values captured where the application read them, waiting to be pushed to the native context
 * before the next sink check. Holds references to the application's own strings (no copy) and
 * lets them go once pushed. Not thread-safe: {@link RequestContext} guards it.
 *
 * <p>Bounded like the engine's budget for captured values: past it nothing more is kept and the
 * request is marked overflowed, so its sinks get the configured overflow verdict instead of
 * being judged without what the application read.
 */
public final class CapturedInputs {

    /** The inputs [0, count) of one push. */
    public static final class Batch {
        public final int[] sources;
        public final String[] names;
        public final String[] values;
        public final int count;

        Batch(int[] sources, String[] names, String[] values, int count) {
            this.sources = sources;
            this.names = names;
            this.values = values;
            this.count = count;
        }
    }

    private final long limitChars;
    // Allocated at the first value: most requests capture nothing, or nothing after a push.
    private int[] sources;
    private String[] names;
    private String[] values;
    private int count;
    private long chars;
    private boolean overflowed;
    /** The value added last: a parser asked twice for the same token hands the same String. */
    private String last;

    CapturedInputs(long limitChars) {
        this.limitChars = limitChars;
    }

    void add(int source, String name, String value) {
        if (value == null || value.isEmpty() || value == last || overflowed) {
            return;
        }
        chars += value.length() + (name == null ? 0 : name.length());
        if (chars > limitChars) {
            overflowed = true;
            return;
        }
        if (values == null) {
            sources = new int[8];
            names = new String[8];
            values = new String[8];
        } else if (count == values.length) {
            int n = count * 2;
            sources = java.util.Arrays.copyOf(sources, n);
            names = java.util.Arrays.copyOf(names, n);
            values = java.util.Arrays.copyOf(values, n);
        }
        sources[count] = source;
        names[count] = name;
        values[count] = value;
        count++;
        last = value;
    }

    /** The inputs added since the last take, or null when there are none; the buffer starts over. */
    Batch take() {
        if (count == 0) {
            return null;
        }
        Batch b = new Batch(sources, names, values, count);
        sources = null;
        names = null;
        values = null;
        count = 0;
        return b;
    }

    boolean overflowed() {
        return overflowed;
    }
}
