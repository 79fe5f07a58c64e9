package dev.rasp.core.instrumentation.process;

/**
 * CommandApi codes of the native contract (docs/native-boundary.md). Compile-time constants, so
 * advice inlined into JDK classes carries the number, never a reference to this class.
 */
public final class CommandApi {

    /** java.lang.ProcessImpl.start: where Runtime.exec and ProcessBuilder.start both end. */
    public static final int PROCESS_IMPL_START = 0;
    public static final int PROCESS_BUILDER_START = 1;
    public static final int RUNTIME_EXEC = 2;

    private CommandApi() {
    }
}
