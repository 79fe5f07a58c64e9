package dev.rasp.core.engine;

import java.nio.charset.StandardCharsets;

/**
 * The core's view of the native engine: UTF-8 in and out, and the one-time init. Every method
 * here is only called after {@link #init} succeeded.
 */
public final class Engine {

    private Engine() {
    }

    /** The start of an init error caused by the rule file rather than by a configuration value. */
    public static final String RULE_SET_ERROR = "rule set: ";

    /**
     * After {@link #RULE_SET_ERROR}: the engine was given a rule file cut after its Hyperscan part and
     * must scan with the portable backend (rules.backend=portable, or no Hyperscan on this CPU); the
     * same init with the whole file works (the engine's {@code rules::file::WHOLE_FILE_NEEDED}).
     */
    public static final String WHOLE_FILE_NEEDED = "the whole rule file is needed";

    /**
     * Returns null on success, else the engine's one-line explanation: a configuration error
     * names the key and the fix; a rule file it cannot load starts with {@link #RULE_SET_ERROR}.
     *
     * @param rules a compiled rule file, or null to run the built-in detectors alone
     */
    public static String init(byte[] configLines, byte[] rules) {
        return text(NativeEngine.init(configLines, rules));
    }

    /** Replaces the rule set atomically. Returns null on success, else why it was rejected (the old set stays). */
    public static String loadRules(byte[] rules) {
        return text(NativeEngine.loadRules(rules));
    }

    /** JSON {@code {"id","rules","backend",...}} of the rule set in use, or null. */
    public static String rulesInfo() {
        byte[] json = NativeEngine.rulesInfo();
        return json == null ? null : new String(json, StandardCharsets.UTF_8);
    }

    private static String text(byte[] utf8) {
        return utf8 == null ? null : new String(utf8, StandardCharsets.UTF_8).trim();
    }

    /** 0 when the engine could not make a context (the request runs unprotected). */
    public static long openContext(byte[] request, int length) {
        return NativeEngine.openContext(request, length);
    }

    public static int setBody(long handle, byte[] body, int length, boolean truncated) {
        return NativeEngine.setBody(handle, body, length, truncated);
    }

    /** Values captured where the application read them (an InputRecordEncoder record). 0, or -1 when refused. */
    public static int addInputs(long handle, byte[] record, int length) {
        return NativeEngine.addInputs(handle, record, length);
    }

    public static int checkSql(long handle, int dialect, int api, String sql) {
        return NativeEngine.checkSql(handle, dialect, api, sql.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One process launch: argv and the environment entries (NUL-separated UTF-8, env may be
     * null). Throws UnsatisfiedLinkError when the library lacks the command and file natives.
     */
    public static int checkCommand(long handle, int api, byte[] argvNul, byte[] envNul) {
        return NativeEngine.checkCommand(handle, api, argvNul, envNul);
    }

    /**
     * One file access; {@code written}: null, or the path as the application wrote it before it
     * normalised it into {@code path}. Throws UnsatisfiedLinkError when the library lacks the
     * command and file natives.
     */
    public static int checkPath(long handle, int api, int op, String path, String written) {
        return NativeEngine.checkPath(handle, api, op, path.getBytes(StandardCharsets.UTF_8),
                written == null ? null : written.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One connection about to be made: {@code url} as the application opens it, or
     * {@code tcp://host:port} for a socket connect, {@code address} its resolved address (4 or 16
     * bytes) or null, {@code origin} the URL input chose that it follows from, or null. Returns a
     * verdict, plus {@link Verdict#CHOSEN_BY_INPUT} when input chose the destination.
     */
    public static int checkUrl(long handle, int api, String url, byte[] address, String origin) {
        return NativeEngine.checkUrl(handle, api, url.getBytes(StandardCharsets.UTF_8), address,
                origin == null ? null : origin.getBytes(StandardCharsets.UTF_8));
    }

    /** One expression about to be parsed ({@code api}: an ExprApi code). */
    public static int checkExpression(long handle, int api, String expression) {
        return NativeEngine.checkExpression(handle, api, expression.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One JNDI name operation. Throws UnsatisfiedLinkError when the library lacks the sink
     * natives.
     */
    public static int checkJndi(long handle, int api, String name) {
        return NativeEngine.checkJndi(handle, api, name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * One class a deserializer is about to instantiate ({@code api}: 0 a class descriptor, 1 a
     * proxy interface). Throws UnsatisfiedLinkError when the library lacks the sink natives.
     */
    public static int checkClass(long handle, int api, String className) {
        return NativeEngine.checkClass(handle, api, className.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * An entity the XML parser sets up ({@code event}: 0 resolve, 1 past the expansion limit);
     * null ids are absent. Throws UnsatisfiedLinkError when the library lacks the sink natives.
     */
    public static int checkEntity(long handle, int api, int event, String name, String systemId, String publicId) {
        return NativeEngine.checkEntity(handle, api, event, utf8(name), utf8(systemId), utf8(publicId));
    }

    private static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The pending event after MONITOR or BLOCK, completed with the stack; null when none is
     * pending. {@code handoff}: null on the serving thread, else "via\nthread name";
     * {@code blockResponse}: a RequestContext.RESPONSE_* code (who answers a block).
     */
    public static EngineEvent takeEvent(long handle, String stack, String handoff, int blockResponse) {
        byte[] ids = NativeEngine.takeEvent(handle, stack.getBytes(StandardCharsets.UTF_8),
                handoff == null ? null : handoff.getBytes(StandardCharsets.UTF_8), blockResponse);
        return ids == null ? null : EngineEvent.parse(ids);
    }

    public static void closeContext(long handle) {
        NativeEngine.closeContext(handle);
    }

    /** Dialect code for a JDBC URL (0, generic, for anything the engine does not know). */
    public static int dialectOf(String jdbcUrl) {
        int d = NativeEngine.dialectOf(jdbcUrl.getBytes(StandardCharsets.UTF_8));
        return d < 0 ? 0 : d;
    }

    /**
     * At JVM shutdown, before the last {@link #stats}: delivers the queued events for at most
     * {@code timeoutMillis}, then counts what is left (and any later event) as dropped; the
     * engine logs what it could not deliver. Throws UnsatisfiedLinkError when the library lacks it.
     */
    public static void shutdownEvents(int timeoutMillis) {
        NativeEngine.shutdownEvents(timeoutMillis);
    }

    /**
     * Installs the native class-load hook: from now on the JVM shows the handler ({@code onLoad},
     * {@code onRetransform}) only the classes the spec lets through. Returns null once installed,
     * else why not; throws UnsatisfiedLinkError when the library lacks it.
     */
    public static String installClassHook(byte[] spec, ClassLoader ownLoader, Object handler) {
        return NativeEngine.installClassHook(spec, ownLoader, handler);
    }

    /** The class-load hook's counters (see NativeEngine), or null when it is not installed. */
    public static long[] classHookStats() {
        try {
            return NativeEngine.classHookStats();
        } catch (UnsatisfiedLinkError older) {
            return null;
        }
    }

    /**
     * Whether a class loaded before the hook holds one of its spec's key constants (1) or not (0), read
     * from the class's constant pool in the JVM; -1 when that cannot be said (no hook installed, a library
     * without it, a class not yet linked): the caller then reads the class file.
     */
    public static int classHookKeyConstant(Class<?> type) {
        try {
            return NativeEngine.classHookKeyConstant(type);
        } catch (UnsatisfiedLinkError older) {
            return -1;
        }
    }

    /**
     * Whether a loaded class is linked (1) or not yet (0), as the JVM says; -1 when that cannot be
     * said (no hook installed, a library without it).
     */
    public static int classHookLinked(Class<?> type) {
        try {
            return NativeEngine.classHookLinked(type);
        } catch (UnsatisfiedLinkError older) {
            return -1;
        }
    }

    /**
     * The class {@code loader} has loaded under this binary name ({@code ClassLoader.findLoadedClass},
     * asked through the native library, which needs no package opened to call it), or null when it
     * has not, or the library cannot say.
     */
    public static Class<?> loadedClass(ClassLoader loader, String binaryName) {
        try {
            return NativeEngine.loadedClass(loader, binaryName);
        } catch (UnsatisfiedLinkError older) {
            return null;
        }
    }

    /**
     * Whether the native hook's first look lets this load through under this spec (1), not (0),
     * or the spec is unreadable (-1): for tests. {@code name} is the internal name as modified UTF-8.
     */
    public static int classHookPasses(byte[] spec, byte[] name, boolean boot, byte[] classFile) {
        return NativeEngine.classHookPasses(spec, name, boot, classFile);
    }

    /** Engine counters as JSON, or null. */
    public static String stats() {
        byte[] json = NativeEngine.stats();
        return json == null ? null : new String(json, StandardCharsets.UTF_8);
    }
}
