package dev.rasp.bootstrap;

/**
 * Paths the application normalised during one request (File.getCanonicalPath, Path.normalize,
 * Path.toRealPath, File and Path collapsing {@code //}), each result with the path as the
 * application wrote it. A file sink that later opens such a result (or a path containing it)
 * passes the written form to the engine as well: request input that climbed out of a directory
 * ({@code /srv/files/../files_private/x}) no longer occurs in the normalised path
 * ({@code /srv/files_private/x}), but still does in the written one.
 *
 * <p>Bounded: the last {@link #CAPACITY} distinct results, oldest overwritten first. Guarded by
 * the owning {@link RequestContext}'s monitor.
 */
final class NormalizedPaths {

    static final int CAPACITY = 64;

    private final String[] results = new String[CAPACITY];
    private final String[] written = new String[CAPACITY];
    private int next;
    private int size;

    /**
     * Whether normalising {@code written} can have hidden input from the engine: it has a
     * {@code ..} or {@code .} segment or a doubled separator. A result that differs only by being
     * made absolute, or by a resolved symbolic link, is not worth a slot.
     */
    static boolean mayHideInput(String written) {
        return written.indexOf("..") >= 0 || written.indexOf("./") >= 0 || written.indexOf("//") >= 0
                || written.indexOf(".\\") >= 0 || written.indexOf("\\\\") >= 0;
    }

    /**
     * Remembers that {@code writtenForm} was normalised into {@code result}. A written form that
     * is itself an earlier result (a File whose constructor collapsed {@code //}, then
     * canonicalised) is replaced by what was written for it, so the input is still found.
     */
    void remember(String result, String writtenForm) {
        for (int i = 0; i < size; i++) {
            if (results[i].equals(writtenForm)) {
                writtenForm = written[i];
                break;
            }
        }
        for (int i = 0; i < size; i++) {
            if (results[i].equals(result)) {
                written[i] = writtenForm;
                return;
            }
        }
        results[next] = result;
        written[next] = writtenForm;
        next = (next + 1) % CAPACITY;
        if (size < CAPACITY) {
            size++;
        }
    }

    /**
     * The path as written when {@code path} is a remembered result or contains one as whole
     * segments ({@code base.resolve(userInput)} after the input was collapsed; a file below a
     * canonicalised directory), else null. The longest match wins.
     */
    String writtenFormOf(String path) {
        int best = -1;
        int bestAt = -1;
        for (int i = 0; i < size; i++) {
            String r = results[i];
            if (r.isEmpty() || (best >= 0 && r.length() <= results[best].length())) {
                continue;
            }
            int at = segmentAligned(path, r);
            if (at >= 0) {
                best = i;
                bestAt = at;
            }
        }
        if (best < 0) {
            return null;
        }
        String r = results[best];
        return path.substring(0, bestAt) + written[best] + path.substring(bestAt + r.length());
    }

    /** Where {@code part} occurs in {@code path} starting and ending at a segment boundary, or -1. */
    private static int segmentAligned(String path, String part) {
        int from = 0;
        while (true) {
            int at = path.indexOf(part, from);
            if (at < 0) {
                return -1;
            }
            int end = at + part.length();
            boolean startOk = at == 0 || isSeparator(path.charAt(at - 1)) || isSeparator(part.charAt(0));
            boolean endOk = end == path.length() || isSeparator(path.charAt(end))
                    || isSeparator(part.charAt(part.length() - 1));
            if (startOk && endOk) {
                return at;
            }
            from = at + 1;
        }
    }

    private static boolean isSeparator(char c) {
        return c == '/' || c == '\\';
    }
}
