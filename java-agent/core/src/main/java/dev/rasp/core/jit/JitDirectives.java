package dev.rasp.core.jit;

import dev.rasp.core.AgentLog;
import dev.rasp.core.engine.CacheDirectory;
import org.objectweb.asm.ClassReader;

import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import java.io.File;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * Keeps the code the agent runs only while classes are transformed out of the C2 compiler: its own ASM
 * (relocated into {@code dev.rasp.shaded.asm} in the -agent fat jar) and the transformer's classes
 * ({@link dev.rasp.core.instrumentation.TransformTimeCode}: pre-filter, type hierarchy, matchers, weaver). They
 * are hot only while the start's classes are looked at, and since the native first look sends about a tenth of
 * them to Java, only for a few hundred classes: C2's compiles of them (the weaver's and the type hierarchy's
 * large methods above all) are compiler-thread CPU spent on code that is all but idle once the application runs.
 * C1 still compiles them (at its full-speed level, as for any method C2 may not take), so transformations run
 * compiled code.
 *
 * <p>One compiler directive does it, added at the start of {@code premain} on a thread of its own (before
 * the pass over the classes already loaded makes the matchers hot: added at the end, it came after C2 had
 * taken nine or ten of their methods) with the JVM's diagnostic command {@code Compiler.directives_add}
 * ({@link DiagnosticCommand}: what {@code jcmd <pid> Compiler.directives_add} runs, without creating the
 * platform MBean server), which reads it from a file: the file is in the agent's per-user cache directory
 * ({@link CacheDirectory}), written once per content, owner-only. Where the command cannot be run that way,
 * the directive waits for the platform MBean server (the application's or a JMX connection's) and is added
 * through its DiagnosticCommand MBean ({@link #addThroughServer}). The directive names the package ASM has
 * in this jar and the agent's own classes, so no application class matches it, an application's own
 * {@code org.objectweb.asm} included; without relocation (the plain classes of a build)
 * ASM is left out.
 *
 * <p>Anything that fails (JDK 8 has no directives, a JVM without the command or the MBean, a read-only
 * directory) leaves the JIT as it was and the application unaware: one line under
 * {@code -Drasp.debug.startup=true}. {@code -Drasp.debug.jit=default} adds nothing, to compare.
 */
public final class JitDirectives {

    static final String SWITCH = "rasp.debug.jit";
    /** {@code org.objectweb.asm}, built at run time: the shade plugin rewrites a constant naming it. */
    static final String APPLICATION_PACKAGE = String.join(".", "org", "objectweb", "asm");
    private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";
    private static final String OWNER_RW = "rw-------";

    /** The directive's file when it is still to be added through the MBean server, else null. */
    private static volatile Path pending;
    /** Open once {@link #add} has run: {@link #addThroughServer} (another thread) waits for it. */
    private static final CountDownLatch DECIDED = new CountDownLatch(1);

    private JitDirectives() {
    }

    /**
     * {@link #add} on a daemon thread of its own ({@code rasp-jit}), off the start's critical path (loading
     * {@code jdk.management}'s classes and checking the file take 5-12 ms of wall time, little of it CPU); on this
     * thread when no thread can be started. Returns at once; never throws.
     */
    public static void addInBackground(final Instrumentation instrumentation, final File nativeDir,
                                       final List<String> agentClasses) {
        try {
            Thread t = new Thread(new Runnable() {
                @Override
                public void run() {
                    add(instrumentation, nativeDir, agentClasses);
                }
            }, "rasp-jit");
            t.setDaemon(true);
            t.start();
        } catch (Throwable noThread) {
            add(instrumentation, nativeDir, agentClasses);
        }
    }

    /**
     * Adds the directive to this JVM unless switched off; never throws. When the diagnostic command cannot be run
     * without the MBean server, the directive is left for {@link #addThroughServer}.
     */
    private static void add(Instrumentation instrumentation, File nativeDir, List<String> agentClasses) {
        String outcome;
        try {
            outcome = tryAdd(instrumentation, nativeDir, agentClasses);
        } catch (Throwable t) {
            outcome = "C2 directive not added (" + t + ")";
        } finally {
            DECIDED.countDown();
        }
        log(outcome);
    }

    private static String tryAdd(Instrumentation instrumentation, File nativeDir, List<String> agentClasses)
            throws Exception {
        if ("default".equals(System.getProperty(SWITCH))) {
            return "left as the JVM has it (" + SWITCH + "=default)";
        }
        List<String> patterns = patterns(ownAsmPackage(), agentClasses);
        Path file = write(CacheDirectory.forThisUser(nativeDir.toPath()), content(patterns));
        String out;
        try {
            out = DiagnosticCommand.open(instrumentation)
                    .execute("Compiler.directives_add " + DiagnosticCommand.argument(file.toString()));
        } catch (Throwable t) {
            pending = file;
            return "C2 directive for " + patterns.size() + " class patterns in " + file + " waits for the platform MBean"
                    + " server (the diagnostic command without it: " + t + ")";
        }
        return "C2 directive for " + patterns.size() + " class patterns from " + file + ": " + out.trim();
    }

    /**
     * Waits at most {@code millis} for {@link #addInBackground}'s thread to have added the directive (or given up):
     * the pass over the classes already loaded, which makes the matchers hot within a few milliseconds, starts after
     * it. The thread is normally done long before (it starts first thing in {@code premain}); the bound only keeps a
     * stalled one from holding the start up.
     */
    public static void awaitDecided(long millis) {
        try {
            DECIDED.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Adds the directive {@link #add} left pending through the server's DiagnosticCommand MBean, once {@code add} has
     * run (waiting up to 10 s for it); nothing when none is pending; never throws.
     */
    public static void addThroughServer(MBeanServer server) {
        try {
            DECIDED.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        Path file = pending;
        if (file == null) {
            return;
        }
        pending = null;
        String outcome;
        try {
            Object out = server.invoke(diagnosticCommand(), "compilerDirectivesAdd",
                    new Object[] {new String[] {file.toString()}}, new String[] {String[].class.getName()});
            outcome = "C2 directive from " + file + " through the DiagnosticCommand MBean: " + String.valueOf(out).trim();
        } catch (Throwable t) {
            outcome = "C2 directive not added through the DiagnosticCommand MBean either (" + t + ")";
        }
        log(outcome);
    }

    private static void log(String outcome) {
        if (Boolean.getBoolean("rasp.debug.startup")) {
            AgentLog.info("JIT: " + outcome);
        }
    }

    /** The package ASM has in the jar this class was loaded from. */
    static String ownAsmPackage() {
        String name = ClassReader.class.getName();
        return name.substring(0, name.lastIndexOf('.'));
    }

    /**
     * The directive's method patterns: {@code asmPackage} and below it unless it is the application's own ASM
     * package, then each of {@code agentClasses} ({@link dev.rasp.core.instrumentation.TransformTimeCode#classes}:
     * a name ending in {@code .} a package and below, any other a class and its nested classes), every method.
     */
    static List<String> patterns(String asmPackage, List<String> agentClasses) {
        List<String> out = new ArrayList<String>();
        if (!asmPackage.equals(APPLICATION_PACKAGE)) {
            out.add(asmPackage.replace('.', '/') + "/*.*");
        }
        for (String name : agentClasses) {
            String internal = name.replace('.', '/');
            if (internal.endsWith("/")) {
                out.add(internal + "*.*");
            } else {
                out.add(internal + ".*");
                out.add(internal + "$*.*");
            }
        }
        return out;
    }

    /** The directive: every method a pattern matches, no C2. */
    static String content(List<String> patterns) {
        StringBuilder json = new StringBuilder("[ { \"match\": [");
        for (int i = 0; i < patterns.size(); i++) {
            json.append(i == 0 ? "\"" : ", \"").append(patterns.get(i)).append('"');
        }
        return json.append("], \"c2\": { \"Exclude\": true } } ]\n").toString();
    }

    /**
     * {@code rasp-jit-<crc>.json} in {@code dir} with {@code content}, written (under a temporary name, then
     * renamed into place atomically, owner-only) unless a file of this user, writable by nobody else, already
     * has that content.
     */
    static Path write(Path dir, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length);
        String hex = Long.toHexString(crc.getValue());
        Path file = dir.resolve("rasp-jit-" + "00000000".substring(hex.length()) + hex + ".json");
        if (CacheDirectory.isIntact(file, bytes.length, crc.getValue())) {
            return file;
        }
        Path tmp = Files.createTempFile(dir, ".tmp-jit-", ".part",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(OWNER_RW)));
        try {
            try (OutputStream out = Files.newOutputStream(tmp, LinkOption.NOFOLLOW_LINKS)) {
                out.write(bytes);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return file;
    }

    private static ObjectName diagnosticCommand() {
        try {
            return new ObjectName(DIAGNOSTIC_COMMAND);
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
