package dev.rasp.core;

import dev.rasp.core.instrumentation.ByteBuddyShapes;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.JdkTypes;
import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.TypePrefilter;
import dev.rasp.core.instrumentation.matching.ClassFileShape;
import dev.rasp.core.engine.Engine;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.Matchers;
import dev.rasp.core.instrumentation.matching.Named;
import dev.rasp.core.instrumentation.matching.MethodShape;
import org.objectweb.asm.ClassReader;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static net.bytebuddy.matcher.ElementMatchers.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The type pre-filter against a real class corpus: every class of every JDK module, and every
 * class the test applications ship (their jar files as this reactor built them: the Spring Boot
 * 3 and 4 applications with Tomcat 10/11, Spring web/webmvc/webflux/data/websocket, Hibernate 6
 * and 7, HikariCP, H2, SQLite, HSQLDB, Derby and PostgreSQL drivers, Jackson 2 and 3, Gson,
 * Parsson, XStream, SnakeYAML, the template and expression engines, the HTTP clients, Reactor
 * Netty; the javax.servlet application with Jetty, its WebSocket server and Commons FileUpload).
 *
 * <p>For each class and each module the installer registers ({@link Activation#modules()}): the
 * module's rules must match the class alike as the agent describes it ({@link ClassFileShape}, its
 * super types read by the agent's pre-filter) and as ByteBuddy's type pool over the same corpus
 * describes it (the reference the matchers were written against); and if they weave it (a rule
 * matches and selects a method the class declares), the pre-filter made of that module's own keys
 * and rules alone must pass the class, and so must the agent's pre-filter of all modules' keys and
 * rules. A class that fails is a hook that never happens: a matcher added or widened without its
 * {@link TypeKeys}, or a rule that does not look at super types matching a class its own keys do
 * not show (the pre-filter leaves a class that declares no method a rule looking at super types
 * could weave alone without reading them: {@code Transformations.methodNamesOfHierarchyRules}).
 */
class TypePrefilterCorpusTest {

    private static final int JAVA = Runtime.version().feature();

    /** One module: its matchers alone, the pre-filter of its keys alone, and what it matched. */
    private static final class Module {
        final InstrumentationModule module;
        final ResettableClassFileTransformer matchers;
        final TypePrefilter ownKeys;
        final AtomicInteger matched = new AtomicInteger();
        final AtomicInteger woven = new AtomicInteger();
        final List<String> dropped = Collections.synchronizedList(new ArrayList<String>());
        /** Classes its rules match on one description of the class and not on the other. */
        final List<String> differs = Collections.synchronizedList(new ArrayList<String>());
        final List<Transformations.Rule> rules;
        /** Boot-loader classes it matches that its bootstrapTypes() leave out: the agent ignores those. */
        final List<String> bootIgnored = Collections.synchronizedList(new ArrayList<String>());

        Module(InstrumentationModule module, ClassLoader coreLoader) {
            this.module = module;
            TypeKeys keys = new TypeKeys();
            module.typeKeys(keys);
            AgentBuilder builder = new AgentBuilder.Default().disableClassFormatChanges().ignore(none());
            Transformations transformations = module.extend(new Transformations(), coreLoader);
            this.ownKeys = new TypePrefilter(Collections.singletonList(keys), new JdkTypes(),
                    transformations.methodNamesOfHierarchyRules());
            this.rules = transformations.rules();
            this.matchers = (ResettableClassFileTransformer) ByteBuddyShapes.applyTo(transformations, builder).makeRaw();
        }

        /** Whether one of its rules matches the class as the agent describes it (WeavingTransformer's matching). */
        boolean matches(ClassFileShape shape) {
            for (Transformations.Rule rule : rules) {
                if (rule.types().matches(shape)) {
                    return true;
                }
            }
            return false;
        }

        /** Whether one of its rules matches the class and selects a method it declares: the agent weaves it. */
        boolean weaves(ClassFileShape shape) {
            for (Transformations.Rule rule : rules) {
                if (rule.types().matches(shape)) {
                    for (MethodShape method : shape.methods()) {
                        for (CachedAdvice advice : rule.advice()) {
                            if (advice.selects(method)) {
                                return true;
                            }
                        }
                    }
                }
            }
            return false;
        }
    }

    /** Class files as a class loader of the application serves them, without defining any class. */
    private static final class CorpusLoader extends ClassLoader {
        private final Map<String, byte[]> files;

        CorpusLoader(Map<String, byte[]> files) {
            super(ClassLoader.getPlatformClassLoader());
            this.files = files;
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            InputStream jdk = getParent().getResourceAsStream(name); // parent first, as the applications' loaders
            if (jdk != null) {
                return jdk;
            }
            byte[] b = files.get(name);
            return b == null ? null : new ByteArrayInputStream(b);
        }
    }

    /** One application's class files (resource name to bytes) and the names of those to check. */
    private static final class Corpus {
        final String name;
        final Map<String, byte[]> files = new HashMap<String, byte[]>();
        final List<String> check = new ArrayList<String>();
        /** Internal names of the classes the boot loader defines (JDK only). */
        final Set<String> boot = new HashSet<String>();

        Corpus(String name) {
            this.name = name;
        }
    }

    @Test
    void everyClassAModuleMatchesPassesThePrefilter() throws IOException {
        long start = System.nanoTime();
        ClassLoader coreLoader = Activation.class.getClassLoader();
        List<Module> modules = new ArrayList<Module>();
        List<TypeKeys> allKeys = new ArrayList<TypeKeys>();
        for (InstrumentationModule m : Activation.modules()) {
            modules.add(new Module(m, coreLoader));
            TypeKeys k = new TypeKeys();
            m.typeKeys(k);
            allKeys.add(k);
        }
        Transformations all = new Transformations();
        for (InstrumentationModule m : Activation.modules()) {
            m.extend(all, coreLoader);
        }
        // as the agent builds it: classes that declare no method a rule looking at super types
        // could weave are not looked at further
        TypePrefilter agent = new TypePrefilter(allKeys, new JdkTypes(), all.methodNamesOfHierarchyRules());
        assertTrue(all.methodNamesOfHierarchyRules() != null, "the installed rules weave methods of a bounded set of names");
        // the native class-load hook's first look, with the spec the agent sends it: it must let
        // through every class the agent's pre-filter keeps (it is the cheap half of it)
        String library = System.getProperty("rasp.corpus.nativeLibrary");
        assertTrue(library != null && Files.isRegularFile(Paths.get(library)),
                "-Drasp.corpus.nativeLibrary (the pom sets it; cargo build --release -p rasp-jni): " + library);
        System.load(library);
        Matcher<Named> jdkSinks = Activation.jdkSinks(Activation.modules());
        FirstLook firstLook = new FirstLook(agent.firstLookSpec(jdkSinks), jdkSinks);
        // scanned, passed, woven, ms reading, ms matching
        Map<String, long[]> perCorpus = new LinkedHashMap<String, long[]>();
        List<String> droppedByAgent = Collections.synchronizedList(new ArrayList<String>());

        // the JDK, as the existing unit test does for the hooked modules, here every module
        long t = System.nanoTime();
        Corpus jdk = readJdk();
        perCorpus.put(jdk.name, scan(jdk, ClassLoader.getSystemClassLoader(), modules, agent, firstLook, droppedByAgent, t));
        jdk = null;

        Set<String> seenJars = new HashSet<String>();
        String apps = System.getProperty("rasp.corpus.apps");
        assertTrue(apps != null && !apps.isEmpty(), "-Drasp.corpus.apps (the pom sets it)");
        for (String app : apps.split(",")) {
            Path jar = Paths.get(app.trim()).normalize();
            assertTrue(Files.isRegularFile(jar), jar + " is missing: build the integration-test applications first "
                    + "(mvn package -pl integration-tests/prefilter-corpus -am -DskipTests)");
            t = System.nanoTime();
            Corpus corpus = readApp(jar, seenJars);
            perCorpus.put(corpus.name, scan(corpus, new CorpusLoader(corpus.files), modules, agent, firstLook, droppedByAgent, t));
        }

        long scanned = 0;
        long passed = 0;
        StringBuilder report = new StringBuilder("TypePrefilterCorpusTest: classes scanned, passed by the pre-filter, woven by a module\n");
        for (Map.Entry<String, long[]> e : perCorpus.entrySet()) {
            long[] c = e.getValue();
            scanned += c[0];
            passed += c[1];
            report.append(String.format("  %-28s %7d scanned %6d passed (%4.1f%%) %5d woven  (%.1f s reading, %.1f s matching)%n",
                    e.getKey(), c[0], c[1], 100.0 * c[1] / Math.max(1, c[0]), c[2], c[3] / 1e3, c[4] / 1e3));
        }
        report.append(String.format("  %-28s %7d scanned %6d passed (%4.1f%%)%n", "total", scanned, passed, 100.0 * passed / scanned));
        report.append(String.format("  native first look: %d of %d passed (%4.1f%%)%n", firstLook.passed.get(), scanned,
                100.0 * firstLook.passed.get() / scanned));
        report.append("  matched / woven per module:");
        for (Module m : modules) {
            report.append(' ').append(m.module.name()).append('=').append(m.matched.get()).append('/').append(m.woven.get());
        }
        for (Module m : modules) {
            if (!m.bootIgnored.isEmpty()) {
                Collections.sort(m.bootIgnored);
                report.append(String.format("%n  %s: %d boot-loader classes matched but outside its bootstrapTypes()"
                        + " (the agent ignores them; not the pre-filter's doing): %s", m.module.name(), m.bootIgnored.size(),
                        firstOf(m.bootIgnored)));
            }
        }
        double cpu = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        report.append(String.format("%n  %.1f s wall, %.1f s CPU of this JVM (%d cores; load average %.1f)%n",
                (System.nanoTime() - start) / 1e9, cpu, Runtime.getRuntime().availableProcessors(),
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        System.out.print(report);

        Map<String, List<String>> dropped = new TreeMap<String, List<String>>();
        for (Module m : modules) {
            if (!m.dropped.isEmpty()) {
                dropped.put(m.module.name(), firstOf(m.dropped));
            }
        }
        assertEquals(new TreeMap<String, List<String>>(), dropped,
                "classes a module weaves but the pre-filter of its own keys and rules drops (a key is missing)");
        assertEquals(new ArrayList<String>(), firstOf(droppedByAgent), "classes a module weaves but the agent's pre-filter drops");
        assertEquals(new ArrayList<String>(), firstOf(firstLook.dropped),
                "classes the agent's pre-filter keeps (or JDK sinks by name) but the native first look drops");
        assertTrue(firstLook.passed.get() > passed, "the first look passes more than the pre-filter it is the cheap half of");
        assertTrue(firstLook.passed.get() < scanned / 4, firstLook.passed.get() + " of " + scanned + " passed the first look");
        Map<String, List<String>> differs = new TreeMap<String, List<String>>();
        for (Module m : modules) {
            if (!m.differs.isEmpty()) {
                differs.put(m.module.name(), firstOf(m.differs));
            }
        }
        assertEquals(new TreeMap<String, List<String>>(), differs,
                "classes a module's rules match as ByteBuddy's type pool describes them and not as the agent's ClassFileShape does, or the other way");
        // the corpus is what it claims to be: large, resolvable, and full of hooked types
        assertTrue(scanned > 100_000, "corpus too small: " + scanned);
        for (Module m : modules) {
            assertTrue(m.woven.get() > 0, m.module.name() + " weaves no class of the corpus");
        }
        // the point of the filter: most classes never reach the matchers (and a broken corpus
        // loader, where every super type is undecided, passes everything)
        assertTrue(passed < scanned / 4, passed + " of " + scanned + " passed");
    }

    /** The native hook's first look ({@code Engine.classHookPasses}) with the agent's spec. */
    private static final class FirstLook {
        final byte[] spec;
        final Matcher<Named> jdkSinks;
        final AtomicInteger passed = new AtomicInteger();
        final List<String> dropped = Collections.synchronizedList(new ArrayList<String>());

        FirstLook(byte[] spec, Matcher<Named> jdkSinks) {
            this.spec = spec;
            this.jdkSinks = jdkSinks;
        }

        /** Holds the first look of one class against the pre-filter's verdict (and, for the boot loader's, the JDK sinks' names). */
        void check(String corpus, String internal, byte[] classFile, boolean candidate, boolean boot) {
            byte[] name = modifiedUtf8(internal);
            int verdict = Engine.classHookPasses(spec, name, false, classFile);
            assertTrue(verdict >= 0, "the spec is readable");
            if (verdict == 1) {
                passed.incrementAndGet();
            } else if (candidate) {
                dropped.add(corpus + ": " + internal);
            }
            if (boot && jdkSinks.matches(new Matchers.TypeName(internal.replace('/', '.')))
                    && Engine.classHookPasses(spec, name, true, classFile) != 1) {
                dropped.add(corpus + ": " + internal + " (boot loader)");
            }
        }

        private static byte[] modifiedUtf8(String text) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try {
                new java.io.DataOutputStream(bytes).writeUTF(text);
            } catch (IOException impossible) {
                throw new AssertionError(impossible);
            }
            byte[] withLength = bytes.toByteArray();
            return java.util.Arrays.copyOfRange(withLength, 2, withLength.length);
        }
    }

    /** The first 25 of a list (sorted), and how many more: a missing key drops hundreds of classes. */
    private static List<String> firstOf(List<String> all) {
        List<String> sorted = new ArrayList<String>(all);
        Collections.sort(sorted);
        if (sorted.size() <= 25) {
            return sorted;
        }
        List<String> first = new ArrayList<String>(sorted.subList(0, 25));
        first.add("... and " + (sorted.size() - 25) + " more");
        return first;
    }

    /** Scans one corpus; returns {scanned, passed by the agent's pre-filter, woven by any module, ms reading, ms matching}. */
    private static long[] scan(Corpus corpus, ClassLoader loader, List<Module> modules, TypePrefilter agent,
                               FirstLook firstLook, List<String> droppedByAgent, long readStart) {
        long matchStart = System.nanoTime();
        // the type pool, the pre-filters and the matchers are all safe for concurrent use (as at run time)
        TypePool pool = TypePool.Default.WithLazyResolution.of(ClassFileLocator.ForClassLoader.of(loader));
        JavaModule unnamed = JavaModule.ofType(TypePrefilterCorpusTest.class);
        AtomicInteger passed = new AtomicInteger();
        AtomicInteger matched = new AtomicInteger();
        ForkJoinPool workers = new ForkJoinPool(Runtime.getRuntime().availableProcessors());
        try {
            workers.submit(() -> corpus.check.parallelStream().forEach(internal -> {
                byte[] classFile = corpus.files.get(internal + ".class");
                boolean candidate = agent.candidate(loader, classFile);
                if (candidate) {
                    passed.incrementAndGet();
                }
                firstLook.check(corpus.name, internal, classFile, candidate, corpus.boot.contains(internal));
                TypePool.Resolution resolution = pool.describe(internal.replace('/', '.'));
                if (!resolution.isResolved()) {
                    return;
                }
                TypeDescription type = resolution.resolve();
                // the agent's own description of the class, its super types from the pre-filter's reads
                ClassFileShape shape = new ClassFileShape(new ClassReader(classFile),
                        agent.hierarchy().of(loader, (java.security.ProtectionDomain) null));
                boolean any = false;
                for (Module m : modules) {
                    boolean byByteBuddy = m.matchers.iterator(type, loader, unnamed, null, null).hasNext();
                    if (m.matches(shape) != byByteBuddy) {
                        m.differs.add(corpus.name + ": " + type.getName() + (byByteBuddy ? " (only ByteBuddy's description)" : " (only the class file's)"));
                    }
                    if (byByteBuddy) {
                        m.matched.incrementAndGet();
                        // a class matched but left as it is (no method it declares selected) may be dropped
                        if (m.weaves(shape)) {
                            any = true;
                            m.woven.incrementAndGet();
                            if (!m.ownKeys.candidate(loader, classFile)) {
                                m.dropped.add(corpus.name + ": " + type.getName());
                            }
                        }
                        if (corpus.boot.contains(internal) && !m.module.bootstrapTypes().matches(new Matchers.TypeName(type.getName()))) {
                            m.bootIgnored.add(type.getName());
                        }
                    }
                }
                if (any) {
                    matched.incrementAndGet();
                    if (!candidate) {
                        droppedByAgent.add(corpus.name + ": " + type.getName());
                    }
                }
            })).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError(e);
        } finally {
            workers.shutdown();
        }
        long end = System.nanoTime();
        return new long[] {corpus.check.size(), passed.get(), matched.get(), (matchStart - readStart) / 1_000_000, (end - matchStart) / 1_000_000};
    }

    private static Corpus readJdk() throws IOException {
        Corpus corpus = new Corpus("jdk " + JAVA);
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        try (Stream<Path> modules = Files.list(jrt.getPath("/modules"))) {
            for (Path module : (Iterable<Path>) modules::iterator) {
                boolean boot = ModuleLayer.boot().findModule(module.getFileName().toString())
                        .map(m -> m.getClassLoader() == null).orElse(false);
                try (Stream<Path> files = Files.walk(module)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        String n = p.getFileName() == null ? "" : p.getFileName().toString();
                        if (!n.endsWith(".class") || n.equals("module-info.class") || n.equals("package-info.class")) {
                            continue;
                        }
                        String resource = p.subpath(2, p.getNameCount()).toString();
                        if (corpus.files.put(resource, Files.readAllBytes(p)) == null) {
                            String internal = resource.substring(0, resource.length() - ".class".length());
                            corpus.check.add(internal);
                            if (boot) {
                                corpus.boot.add(internal);
                            }
                        }
                    }
                }
            }
        }
        return corpus;
    }

    /**
     * A Spring Boot jar (BOOT-INF/classes, BOOT-INF/lib/*.jar) or a shaded one. Libraries already
     * checked in an earlier application (same jar file name) are served for super types but not
     * checked again.
     */
    private static Corpus readApp(Path jar, Set<String> seenJars) throws IOException {
        Corpus corpus = new Corpus(jar.getFileName().toString());
        try (InputStream in = Files.newInputStream(jar)) {
            readJar(in, jar.getFileName().toString(), true, corpus, seenJars);
        }
        return corpus;
    }

    private static void readJar(InputStream in, String jarName, boolean top, Corpus corpus, Set<String> seenJars)
            throws IOException {
        boolean check = seenJars.add(jarName);
        // resource name to {bytes, multi-release version}: the highest version this JDK would use
        Map<String, byte[]> own = new LinkedHashMap<String, byte[]>();
        Map<String, Integer> versions = new HashMap<String, Integer>();
        ZipInputStream zip = new ZipInputStream(in);
        for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
            String n = e.getName();
            if (top && n.startsWith("BOOT-INF/lib/") && n.endsWith(".jar")) {
                byte[] nested = zip.readAllBytes();
                readJar(new ByteArrayInputStream(nested), n.substring("BOOT-INF/lib/".length()), false, corpus, seenJars);
                continue;
            }
            if (!n.endsWith(".class") || n.endsWith("module-info.class") || n.endsWith("package-info.class")) {
                continue;
            }
            if (top && n.startsWith("BOOT-INF/classes/")) {
                n = n.substring("BOOT-INF/classes/".length());
            }
            int version = 0;
            if (n.startsWith("META-INF/versions/")) {
                int slash = n.indexOf('/', "META-INF/versions/".length());
                try {
                    version = Integer.parseInt(n.substring("META-INF/versions/".length(), slash));
                } catch (NumberFormatException x) {
                    continue;
                }
                if (version > JAVA) {
                    continue;
                }
                n = n.substring(slash + 1);
            }
            Integer before = versions.get(n);
            if (before == null || before < version) {
                versions.put(n, version);
                own.put(n, zip.readAllBytes());
            }
        }
        for (Map.Entry<String, byte[]> e : own.entrySet()) {
            // first jar on the class path wins
            if (corpus.files.putIfAbsent(e.getKey(), e.getValue()) == null && check) {
                String resource = e.getKey();
                corpus.check.add(resource.substring(0, resource.length() - ".class".length()));
            }
        }
    }
}
