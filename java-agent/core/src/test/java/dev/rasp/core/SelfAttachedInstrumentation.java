package dev.rasp.core;

import java.io.File;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.lang.management.ManagementFactory;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The test JVM's own {@link Instrumentation}, for tests that need the JVM's real class loading and
 * retransformation (the order in which it shows a load to transformers): an agent jar of one
 * manifest naming this class, loaded into this JVM through the attach API (surefire starts the JVM
 * with {@code -Djdk.attach.allowAttachSelf=true}).
 */
public final class SelfAttachedInstrumentation {

    private static volatile Instrumentation instrumentation;

    private SelfAttachedInstrumentation() {
    }

    public static void agentmain(String args, Instrumentation inst) {
        instrumentation = inst;
    }

    public static synchronized Instrumentation get() throws Exception {
        if (instrumentation != null) {
            return instrumentation;
        }
        File jar = File.createTempFile("self-attached-agent", ".jar");
        jar.deleteOnExit();
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Agent-Class", SelfAttachedInstrumentation.class.getName());
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        try (OutputStream out = new JarOutputStream(new FileOutputStream(jar), manifest)) {
            out.flush();
        }
        // by reflection: the tests compile for Java 8, where the attach API is not part of the platform
        String pid = ManagementFactory.getRuntimeMXBean().getName().split("@")[0];
        Class<?> vmType = Class.forName("com.sun.tools.attach.VirtualMachine");
        Object vm = vmType.getMethod("attach", String.class).invoke(null, pid);
        try {
            vmType.getMethod("loadAgent", String.class).invoke(vm, jar.getAbsolutePath());
        } finally {
            vmType.getMethod("detach").invoke(vm);
        }
        if (instrumentation == null) {
            throw new IllegalStateException("the agent jar was loaded but agentmain was not called");
        }
        return instrumentation;
    }
}
