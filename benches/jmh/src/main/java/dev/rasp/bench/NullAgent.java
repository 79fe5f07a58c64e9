package dev.rasp.bench;

import java.lang.instrument.Instrumentation;

/**
 * An agent that does nothing: {@link HookRun} packs it into jars with and without
 * Can-Retransform-Classes / Can-Redefine-Classes, to tell the JVM's own cost of having a
 * java.lang.instrument agent (and of its JVMTI capabilities) from anything rasp.jar does.
 */
public final class NullAgent {

    private NullAgent() {
    }

    public static void premain(String args, Instrumentation instrumentation) {
    }
}
