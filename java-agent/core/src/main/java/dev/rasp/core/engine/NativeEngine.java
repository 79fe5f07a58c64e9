package dev.rasp.core.engine;

/**
 * The natives of librasp_jni.so, exactly as docs/native-boundary.md declares them. JNI_OnLoad
 * registers them with RegisterNatives on this class (looked up by name through the class loader
 * that called System.load, i.e. the core's), so do not move or rename it without the Rust side.
 *
 * <p>Use {@link Engine}: it owns the UTF-8 conversions and the load/init order.
 */
final class NativeEngine {

    private NativeEngine() {
    }

    // config: UTF-8 "key=value\n" lines; rules: a compiled rule file, or null for no rule set.
    // null on success, else a UTF-8 error message ("rule set: ..." when the rules are at fault).
    static native byte[] init(byte[] config, byte[] rules);

    // Swaps in a new rule set (same config). null on success, else why it was rejected (the old
    // set stays).
    static native byte[] loadRules(byte[] rules);

    // UTF-8 JSON {"id","rules","backend",...} of the rule set in use.
    static native byte[] rulesInfo();

    // request: the encoding of RequestEncoder, bytes [0, length). Returns a handle != 0, or 0.
    static native long openContext(byte[] request, int length);

    static native int setBody(long handle, byte[] body, int length, boolean truncated);

    // Returns 0 ALLOW, 1 MONITOR, 2 BLOCK, -1 stale handle or internal error.
    static native int checkSql(long handle, int dialect, int api, byte[] sqlUtf8);

    // UTF-8 "rule_id\nevent_id\ncategory", or null when there is no pending event.
    static native byte[] takeEvent(long handle, byte[] stackUtf8, byte[] handoffUtf8, int blockResponse);

    static native void closeContext(long handle);

    static native int dialectOf(byte[] jdbcUrlUtf8);

    static native byte[] stats();

    // Command and file sinks: a second registration group on the Rust side (an older library
    // without them still loads; the calls then throw UnsatisfiedLinkError, see RaspRuntime).
    static native int checkCommand(long handle, int api, byte[] argvNul, byte[] envNul);

    // writtenUtf8: null, or the path as the application wrote it before normalising (docs/native-boundary.md).
    static native int checkPath(long handle, int api, int op, byte[] pathUtf8, byte[] writtenUtf8);

    static native int checkJndi(long handle, int api, byte[] nameUtf8);

    static native int addInputs(long handle, byte[] record, int length);

    // address: 4 or 16 bytes, or null; originUtf8: null or the URL input chose that this
    // connection follows from. Returns a verdict, plus CHOSEN_BY_INPUT (docs/native-boundary.md).
    static native int checkUrl(long handle, int api, byte[] urlUtf8, byte[] address, byte[] originUtf8);

    static native int checkExpression(long handle, int api, byte[] expressionUtf8);
    // api: 0 resolveClass (a class descriptor), 1 resolveProxyClass (a proxy interface).
    static native int checkClass(long handle, int api, byte[] nameUtf8);
    // An entity the XML parser sets up (docs/native-boundary.md): null arrays for absent ids.
    static native int checkEntity(long handle, int api, int event, byte[] nameUtf8, byte[] systemIdUtf8,
                                  byte[] publicIdUtf8);

    // Lifecycle: a third registration group (an older library lacks it: UnsatisfiedLinkError).
    // Delivers queued events for at most timeoutMillis, then counts what is left as dropped.
    static native void shutdownEvents(int timeoutMillis);

    // The native class-load hook (docs/native-boundary.md): spec as TypePrefilter.firstLookSpec
    // writes it; handler has onLoad and onRetransform of ClassFileTransformer's arguments
    // (module first), and onSuperTypes(loader, domain, name, superclass then interfaces) -> boolean
    // for a load its super types decide. null once installed, else why not.
    static native String installClassHook(byte[] spec, ClassLoader ownLoader, Object handler);

    // {loads looked at, handed to onLoad, changed, errors, nanoseconds of the first look, asked about
    // with onSuperTypes, left on learnt super types}; null before the install.
    static native long[] classHookStats();

    // Whether a loaded class's constant pool holds a key constant of the installed hook's spec, read
    // from the JVM (JVM TI GetConstantPool): 1 yes, 0 no, -1 unknown (no hook, a class not yet linked, ...).
    static native int classHookKeyConstant(Class<?> type);

    // Whether a loaded class is linked, as JVM TI GetClassStatus says: 1 yes, 0 not yet, -1 unknown (no hook).
    static native int classHookLinked(Class<?> type);

    // What the hook's first look decides for one load under this spec (no hook needed): 1 passes,
    // 0 not, -1 unreadable spec. For tests (the corpus test holds it against the Java pre-filter).
    static native int classHookPasses(byte[] spec, byte[] name, boolean boot, byte[] classFile);

    // The class this loader has loaded under this binary name (ClassLoader.findLoadedClass, through
    // JNI: no access check, so no package opened), or null.
    static native Class<?> loadedClass(ClassLoader loader, String binaryName);
}
