package dev.rasp.core.jit;

import dev.rasp.core.JavaModules;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;

/**
 * Runs one of the JVM's diagnostic commands (what {@code jcmd <pid> <command>} runs) in this JVM without the
 * platform MBean server. The documented way is the {@code com.sun.management:type=DiagnosticCommand} MBean, but
 * getting it means creating the platform MBean server with every platform MXBean: 90-180 ms of CPU at a start
 * (JDK 11-25), which an application that never uses JMX would not otherwise pay. The MBean's implementation,
 * {@code com.sun.management.internal.DiagnosticCommandImpl} in {@code jdk.management}, is a singleton its class
 * hands out ({@code getDiagnosticCommandMBean()}), and its private native {@code executeDiagnosticCommand(String)}
 * is what the MBean's operations call: 3-7 ms in all. Internal API, so every step is checked and any failure is
 * the caller's to handle (the MBean is the fallback); the package is opened to the agent's own module alone
 * ({@link JavaModules}).
 *
 * <p>Java 9+ (JDK 11, 17, 21, 25 tested); before Java 9 there is no such class and the caller falls back.
 */
final class DiagnosticCommand {

    private static final String IMPL = "com.sun.management.internal.DiagnosticCommandImpl";
    /** Its static initializer loads libmanagement_ext, which holds the natives the command needs. */
    private static final String PROVIDER = "com.sun.management.internal.PlatformMBeanProviderImpl";

    private final Object bean;
    private final Method execute;

    private DiagnosticCommand(Object bean, Method execute) {
        this.bean = bean;
        this.execute = execute;
    }

    /** The JVM's diagnostic command implementation, its package opened to this class's module if need be. */
    static DiagnosticCommand open(Instrumentation instrumentation) throws Exception {
        Class<?> impl = Class.forName(IMPL, false, null);
        JavaModules.grant(instrumentation, impl, DiagnosticCommand.class, true);
        Class.forName(PROVIDER, true, null);
        Method singleton = impl.getDeclaredMethod("getDiagnosticCommandMBean");
        singleton.setAccessible(true);
        Object bean = singleton.invoke(null);
        if (bean == null) {
            throw new IllegalStateException(IMPL + ".getDiagnosticCommandMBean() returned null");
        }
        Method execute = impl.getDeclaredMethod("executeDiagnosticCommand", String.class);
        execute.setAccessible(true);
        return new DiagnosticCommand(bean, execute);
    }

    /** The command's output, as jcmd would print it; the JVM's own exception when it refuses the command. */
    String execute(String command) throws Exception {
        return String.valueOf(execute.invoke(bean, command));
    }

    /**
     * A diagnostic command argument: as it is when it has no blank or quote, else in the quotes the JVM's
     * argument parser takes (one kind it does not hold).
     */
    static String argument(String value) {
        boolean plain = true;
        for (int i = 0; i < value.length() && plain; i++) {
            char c = value.charAt(i);
            plain = !Character.isWhitespace(c) && c != '"' && c != '\'';
        }
        if (plain) {
            return value;
        }
        if (value.indexOf('"') < 0) {
            return '"' + value + '"';
        }
        if (value.indexOf('\'') < 0) {
            return '\'' + value + '\'';
        }
        throw new IllegalArgumentException("an argument with both kinds of quote: " + value);
    }
}
