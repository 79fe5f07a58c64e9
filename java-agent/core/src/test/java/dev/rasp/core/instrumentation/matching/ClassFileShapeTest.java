package dev.rasp.core.instrumentation.matching;

import dev.rasp.core.instrumentation.ByteBuddyShapes;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.JdkTypes;
import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.TypeHierarchy;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import static dev.rasp.core.instrumentation.matching.Matchers.hasSuperType;
import static dev.rasp.core.instrumentation.matching.Matchers.isAnnotatedWith;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's description of a class from its class file ({@link ClassFileShape}, what the agent's
 * transformer matches) gives the modules' matchers the same answers as ByteBuddy's description of
 * the same class file (what they were written against), for real classes of the JDK and of the
 * libraries on the test class path; and the matchers mean what ByteBuddy's of the same name mean.
 */
class ClassFileShapeTest {

    private static final ClassLoader CORE = InstrumentationModule.class.getClassLoader();
    private static final ClassLoader TEST = ClassFileShapeTest.class.getClassLoader();

    /** Classes the modules hook (most of them) and some they do not, of the boot, platform and application loaders. */
    private static final String[] CLASSES = {
            // the JDK's sinks and executors
            "java.io.File", "java.io.FileInputStream", "java.io.FileOutputStream", "java.io.RandomAccessFile",
            "java.io.ObjectInputStream", "java.lang.ProcessBuilder", "java.lang.ProcessImpl", "java.lang.Thread",
            "java.net.URL", "java.net.Socket", "java.net.HttpURLConnection", "sun.nio.fs.UnixFileSystemProvider",
            "sun.nio.fs.UnixPath", "java.util.concurrent.ThreadPoolExecutor",
            "java.util.concurrent.ScheduledThreadPoolExecutor", "java.util.concurrent.ForkJoinPool",
            "java.util.concurrent.CompletableFuture", "java.util.concurrent.FutureTask",
            "java.util.zip.ZipInputStream", "java.util.jar.JarInputStream", "javax.naming.InitialContext",
            "javax.xml.parsers.DocumentBuilderFactory",
            "com.sun.org.apache.xerces.internal.parsers.XML11Configuration",
            "com.sun.org.apache.xerces.internal.impl.XMLEntityManager",
            // the JDK's, hooked by none
            "java.lang.String", "java.util.ArrayList", "java.util.concurrent.ConcurrentLinkedQueue",
            "java.util.HashMap",
            // JDBC drivers and a pool
            "org.h2.jdbc.JdbcStatement", "org.h2.jdbc.JdbcPreparedStatement", "org.h2.jdbc.JdbcCallableStatement",
            "org.h2.jdbc.JdbcConnection", "org.h2.jdbc.JdbcResultSet", "org.h2.Driver", "org.h2.util.Utils",
            "org.hsqldb.jdbc.JDBCStatement", "org.hsqldb.jdbc.JDBCPreparedStatement", "org.hsqldb.jdbc.JDBCConnection",
            "com.zaxxer.hikari.pool.HikariProxyStatement", "com.zaxxer.hikari.pool.HikariProxyPreparedStatement",
            "com.zaxxer.hikari.pool.HikariProxyCallableStatement", "com.zaxxer.hikari.pool.HikariProxyConnection",
            "com.zaxxer.hikari.pool.ProxyStatement", "com.zaxxer.hikari.pool.ProxyConnection",
            "com.zaxxer.hikari.HikariDataSource", "com.zaxxer.hikari.HikariConfig",
            // the test's stand-ins and fakes
            "jakarta.servlet.http.HttpServletRequest", "jakarta.persistence.EntityManager",
            "dev.rasp.core.instrumentation.orm.OrmApisTest$FakeSession",
            "dev.rasp.core.instrumentation.orm.OrmApisTest$FakeEntityManager",
            "dev.rasp.core.instrumentation.orm.OrmApisTest$FakeStatelessSession",
            ClassFileShapeTest.class.getName(), Sample.class.getName(), Task.class.getName(),
    };

    /** One rule of one module. */
    private static final class Rule {
        final String module;
        final int index;
        final Transformations.Rule rule;

        Rule(String module, int index, Transformations.Rule rule) {
            this.module = module;
            this.index = index;
            this.rule = rule;
        }

        @Override
        public String toString() {
            return module + " rule " + index + " (" + rule.types() + ")";
        }
    }

    @SuppressWarnings("unchecked")
    private static List<InstrumentationModule> modules() throws Exception {
        // Activation is the core's package-private installer: its modules() is the list the agent installs
        Method modules = Class.forName("dev.rasp.core.Activation", false, CORE).getDeclaredMethod("modules");
        modules.setAccessible(true);
        return (List<InstrumentationModule>) modules.invoke(null);
    }

    private static List<Rule> rules() throws Exception {
        List<Rule> rules = new ArrayList<Rule>();
        for (InstrumentationModule module : modules()) {
            List<Transformations.Rule> own = module.extend(new Transformations(), CORE).rules();
            for (int i = 0; i < own.size(); i++) {
                rules.add(new Rule(module.name(), i, own.get(i)));
            }
        }
        return rules;
    }

    private static byte[] classFile(ClassLoader loader, String name) throws IOException {
        ClassLoader from = loader != null ? loader : ClassLoader.getSystemClassLoader();
        try (InputStream in = from.getResourceAsStream(name.replace('.', '/') + ".class")) {
            assertNotNull(in, "no class file for " + name);
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    /** The methods an advice selects, by name and descriptor. */
    private static Set<String> selected(CachedAdvice advice, List<MethodShape> methods, ClassLoader loader) {
        Set<String> selected = new TreeSet<String>();
        for (MethodShape m : methods) {
            if (!advice.adviceFor(m, loader).isEmpty()) {
                selected.add(m.name() + m.descriptor());
            }
        }
        return selected;
    }

    /** The modules' rules put to classes described both ways; what they disagree on, in problems. */
    private static final class Comparison {
        final List<Rule> rules;
        final TypeHierarchy hierarchy = new TypeHierarchy(new JdkTypes());
        final Map<ClassLoader, TypePool> pools = new HashMap<ClassLoader, TypePool>();
        final List<String> problems = new ArrayList<String>();
        final Set<String> matched = new TreeSet<String>();
        int classes;
        int methodsSelected;
        /** Classes also described by reflection ({@link LoadedClassShape}): those that load without a missing type. */
        int reflected;

        Comparison() throws Exception {
            rules = rules();
            assertTrue(rules.size() >= 17, "rules: " + rules.size());
        }

        /** @param loader the class's loader (null: the boot loader) */
        void compare(String name, ClassLoader loader) throws IOException {
            classes++;
            ClassFileShape own = new ClassFileShape(new ClassReader(classFile(loader, name)),
                    hierarchy.of(loader, (ProtectionDomain) null));
            assertEquals(name, own.name());
            TypePool pool = pools.get(loader);
            if (pool == null) {
                pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader));
                pools.put(loader, pool);
            }
            TypeShape byteBuddy = ByteBuddyShapes.of(pool.describe(name).resolve());
            compareReflected(name, loader, own, this);
            for (Rule rule : rules) {
                boolean ownVerdict = rule.rule.types().matches(own);
                boolean byteBuddyVerdict = rule.rule.types().matches(byteBuddy);
                if (ownVerdict != byteBuddyVerdict) {
                    problems.add(name + ": " + rule + " matches the class file " + ownVerdict
                            + ", ByteBuddy's description " + byteBuddyVerdict);
                    continue;
                }
                if (!ownVerdict) {
                    continue;
                }
                matched.add(name);
                for (int a = 0; a < rule.rule.advice().size(); a++) {
                    CachedAdvice advice = rule.rule.advice().get(a);
                    Set<String> ownMethods = selected(advice, own.methods(), loader);
                    Set<String> byteBuddyMethods = selected(advice, byteBuddy.methods(), loader);
                    if (!ownMethods.equals(byteBuddyMethods)) {
                        problems.add(name + ": advice " + a + " of " + rule + " selects " + ownMethods
                                + " of the class file, " + byteBuddyMethods + " of ByteBuddy's description");
                    }
                    methodsSelected += ownMethods.size();
                }
            }
        }
    }

    /**
     * What the rules say of the class as reflection describes it (the retransformation pass's
     * description of a loaded class without a class file), against the class file's: the same verdicts,
     * the same methods selected. A class that cannot be loaded or reflected (a type of its signatures
     * missing from the class path) is left out.
     */
    private static void compareReflected(String name, ClassLoader loader, ClassFileShape own, Comparison c) {
        TypeShape reflected;
        List<MethodShape> reflectedMethods;
        try {
            reflected = new LoadedClassShape(Class.forName(name, false, loader));
            reflectedMethods = reflected.methods();
            reflected.annotations();
        } catch (ClassNotFoundException | LinkageError | RuntimeException unloadable) {
            return;
        }
        c.reflected++;
        for (Rule rule : c.rules) {
            boolean ownVerdict = rule.rule.types().matches(own);
            if (ownVerdict != rule.rule.types().matches(reflected)) {
                c.problems.add(name + ": " + rule + " matches the class file " + ownVerdict + ", the loaded class "
                        + !ownVerdict);
                continue;
            }
            for (int a = 0; ownVerdict && a < rule.rule.advice().size(); a++) {
                CachedAdvice advice = rule.rule.advice().get(a);
                Set<String> ownMethods = selected(advice, own.methods(), loader);
                Set<String> loadedMethods = selected(advice, reflectedMethods, loader);
                if (!ownMethods.equals(loadedMethods)) {
                    c.problems.add(name + ": advice " + a + " of " + rule + " selects " + ownMethods
                            + " of the class file, " + loadedMethods + " of the loaded class");
                }
            }
        }
    }

    @Test
    void theModulesRulesSayOfAClassFileWhatTheySayOfByteBuddysDescription() throws Exception {
        Comparison c = new Comparison();
        for (String name : CLASSES) {
            c.compare(name, Class.forName(name, false, TEST).getClassLoader());
        }
        assertEquals(Collections.<String>emptyList(), c.problems);
        // not vacuous: the sinks, the executors, the drivers and the pool's proxies are matched
        assertTrue(c.matched.size() >= 30, "matched: " + c.matched);
        assertTrue(c.matched.containsAll(Arrays.asList("java.io.FileInputStream", "java.util.concurrent.ThreadPoolExecutor",
                "java.lang.Thread", "org.h2.jdbc.JdbcStatement", "org.h2.jdbc.JdbcConnection",
                "org.h2.jdbc.JdbcPreparedStatement", "com.zaxxer.hikari.pool.HikariProxyStatement",
                "com.zaxxer.hikari.pool.HikariProxyConnection")), "matched: " + c.matched);
        assertFalse(c.matched.contains("java.lang.String"), "matched: " + c.matched);
        assertFalse(c.matched.contains("java.util.concurrent.ConcurrentLinkedQueue"), "matched: " + c.matched);
        assertFalse(c.matched.contains(ClassFileShapeTest.class.getName()), "matched: " + c.matched);
        assertTrue(c.methodsSelected >= 100, "methods selected: " + c.methodsSelected);
    }

    /** The same over every class of the drivers' and the pool's jars and of the JDK modules the agent hooks. */
    @Test
    void soTheyDoOverWholeJarsAndJdkModules() throws Exception {
        Comparison c = new Comparison();
        int jars = 0;
        for (Class<?> of : new Class<?>[] {org.h2.Driver.class, org.hsqldb.jdbc.JDBCDriver.class,
                com.zaxxer.hikari.HikariDataSource.class}) {
            java.io.File jar = new java.io.File(of.getProtectionDomain().getCodeSource().getLocation().toURI());
            assertTrue(jar.isFile(), jar.toString());
            jars++;
            try (JarFile file = new JarFile(jar)) {
                for (JarEntry entry : Collections.list(file.entries())) {
                    String n = entry.getName();
                    if (n.endsWith(".class") && !n.startsWith("META-INF/") && !n.endsWith("module-info.class")) {
                        c.compare(n.substring(0, n.length() - ".class".length()).replace('/', '.'), of.getClassLoader());
                    }
                }
            }
        }
        int jdk = c.classes;
        FileSystem image = FileSystems.getFileSystem(URI.create("jrt:/"));
        for (String module : new String[] {"java.base", "java.naming", "java.xml", "java.sql", "jdk.zipfs"}) {
            Path root = image.getPath("/modules", module);
            List<String> names = new ArrayList<String>();
            try (Stream<Path> files = Files.walk(root)) {
                files.forEach(f -> {
                    String n = root.relativize(f).toString();
                    if (n.endsWith(".class") && !n.equals("module-info.class")) {
                        names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.'));
                    }
                });
            }
            for (String name : names) {
                // read through the application loader, which serves the boot and platform loaders' class files too
                c.compare(name, ClassLoader.getSystemClassLoader());
            }
        }
        jdk = c.classes - jdk;
        assertEquals(Collections.<String>emptyList(), c.problems);
        assertTrue(c.classes - jdk > 1500, "library classes: " + (c.classes - jdk));
        assertTrue(jdk > 5000, "JDK classes: " + jdk);
        assertTrue(c.matched.size() >= 150, "matched: " + c.matched.size());
        assertTrue(c.methodsSelected >= 300, "methods selected: " + c.methodsSelected);
        assertTrue(c.reflected > 5000, "classes also described by reflection: " + c.reflected);
    }

    // ---- the matchers' meaning, on class files

    private static final TypeHierarchy HIERARCHY = new TypeHierarchy(new JdkTypes());

    private static ClassFileShape shape(Class<?> type) throws IOException {
        ClassLoader loader = type.getClassLoader();
        return new ClassFileShape(new ClassReader(classFile(loader, type.getName())),
                HIERARCHY.of(loader, (ProtectionDomain) null));
    }

    private static MethodShape method(TypeShape type, String name) {
        MethodShape found = null;
        for (MethodShape m : type.methods()) {
            if (m.name().equals(name)) {
                assertEquals(null, found, "one method " + name);
                found = m;
            }
        }
        assertNotNull(found, name + " in " + type);
        return found;
    }

    @Test
    void hasSuperTypeWalksSuperclassesAndInterfacesTransitively() throws Exception {
        ClassFileShape pool = shape(java.util.concurrent.ThreadPoolExecutor.class);
        assertTrue(Matchers.<TypeShape>hasSuperType(named("java.util.concurrent.ThreadPoolExecutor")).matches(pool), "itself");
        assertTrue(Matchers.<TypeShape>hasSuperType(named("java.util.concurrent.AbstractExecutorService")).matches(pool),
                "the superclass");
        assertTrue(Matchers.<TypeShape>hasSuperType(named("java.util.concurrent.ExecutorService")).matches(pool),
                "an interface of the superclass");
        assertTrue(Matchers.<TypeShape>hasSuperType(named("java.util.concurrent.Executor")).matches(pool),
                "the super interface of that interface");
        assertTrue(Matchers.<TypeShape>hasSuperType(named("java.lang.Object")).matches(pool));
        assertFalse(Matchers.<TypeShape>hasSuperType(named("java.lang.Runnable")).matches(pool));
        assertFalse(Matchers.<TypeShape>hasSuperType(named("java.util.concurrent.ForkJoinPool")).matches(pool));

        ClassFileShape h2 = shape(org.h2.jdbc.JdbcPreparedStatement.class);
        assertTrue(Matchers.<TypeShape>hasSuperType(named("java.sql.Statement")).matches(h2),
                "PreparedStatement's super interface, through the superclass JdbcStatement and directly");
        assertTrue(Matchers.<TypeShape>hasSuperType(named("java.lang.AutoCloseable")).matches(h2));
        assertTrue(Matchers.<TypeShape>hasSuperType(named("org.h2.jdbc.JdbcStatement")).matches(h2));
        assertFalse(Matchers.<TypeShape>hasSuperType(named("java.sql.Connection")).matches(h2));

        ClassFileShape task = shape(Task.class);
        assertTrue(Matchers.<TypeShape>hasSuperType(named("java.lang.Runnable")).matches(task), "an interface's super interface");
        assertFalse(Matchers.<TypeShape>hasSuperType(named("java.util.concurrent.Callable")).matches(task));
    }

    /** A class whose superclass has no class file: named, not walked (as a type the pool cannot resolve). */
    @Test
    void aSuperTypeWithoutAClassFileIsMatchedByNameAndNotWalked() {
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, "a/Sub", null, "a/Missing", new String[] {"a/Known"});
        writer.visitEnd();
        final List<String> asked = new ArrayList<String>();
        SuperTypes superTypes = new SuperTypes() {
            @Override
            public String[] of(String internalName) {
                asked.add(internalName);
                if (internalName.equals("a/Known")) {
                    return new String[] {"java/lang/Object", "a/KnownSuper"};
                }
                if (internalName.equals("a/KnownSuper")) {
                    return new String[] {"java/lang/Object"};
                }
                if (internalName.equals("java/lang/Object")) {
                    return new String[0];
                }
                return null; // a/Missing: no class file
            }
        };
        ClassFileShape sub = new ClassFileShape(new ClassReader(writer.toByteArray()), superTypes);
        assertEquals("a.Sub", sub.name());
        assertTrue(Matchers.<TypeShape>hasSuperType(named("a.Missing")).matches(sub), "by its name");
        assertTrue(Matchers.<TypeShape>hasSuperType(named("a.KnownSuper")).matches(sub),
                "the other branch is walked on");
        asked.clear();
        assertFalse(Matchers.<TypeShape>hasSuperType(named("a.Unknown")).matches(sub));
        assertEquals(new TreeSet<String>(Arrays.asList("a/Missing", "a/Known", "a/KnownSuper", "java/lang/Object")),
                new TreeSet<String>(asked), "each type asked for its super types once, the missing one included");
        assertEquals(4, asked.size(), asked.toString());
    }

    /** Parameters and return types by the names Class.getName() gives: arrays and primitives included. */
    @Test
    void argumentsAndReturnTypesAreNamedAsClassGetNameNamesThem() throws Exception {
        MethodShape m = method(shape(Sample.class), "mixed");
        assertEquals("([Ljava/lang/String;IJ[[I)[Ljava/lang/Object;", m.descriptor());
        assertTrue(Matchers.<MethodShape>takesArgument(0, String[].class).matches(m));
        assertTrue(Matchers.<MethodShape>takesArgument(0, Matchers.<TypeRef>named("[Ljava.lang.String;")).matches(m));
        assertTrue(Matchers.<MethodShape>takesArgument(1, int.class).matches(m));
        assertTrue(Matchers.<MethodShape>takesArgument(1, Matchers.<TypeRef>named("int")).matches(m));
        assertTrue(Matchers.<MethodShape>takesArgument(2, long.class).matches(m));
        assertTrue(Matchers.<MethodShape>takesArgument(3, int[][].class).matches(m));
        assertFalse(Matchers.<MethodShape>takesArgument(0, String.class).matches(m));
        assertFalse(Matchers.<MethodShape>takesArgument(1, Integer.class).matches(m));
        assertFalse(Matchers.<MethodShape>takesArgument(4, int.class).matches(m), "past the last parameter");
        assertTrue(Matchers.<MethodShape>takesArguments(String[].class, int.class, long.class, int[][].class).matches(m));
        assertFalse(Matchers.<MethodShape>takesArguments(String[].class, int.class).matches(m));
        assertTrue(Matchers.<MethodShape>takesArguments(4).matches(m));
        assertTrue(Matchers.<MethodShape>returns(Object[].class).matches(m));
        assertTrue(Matchers.<MethodShape>returns(Matchers.<TypeRef>named("[Ljava.lang.Object;")).matches(m));
        assertFalse(Matchers.<MethodShape>returns(Object.class).matches(m));

        MethodShape count = method(shape(Sample.class), "count");
        assertTrue(Matchers.<MethodShape>returns(int.class).matches(count));
        assertTrue(Matchers.<MethodShape>takesArgument(0, String.class).matches(count));
        assertTrue(Matchers.<MethodShape>takesArgument(0, hasSuperType(named("java.lang.CharSequence"))).matches(count),
                "a parameter's super types");
        assertFalse(Matchers.<MethodShape>takesArgument(0, hasSuperType(named("java.lang.Number"))).matches(count));
        MethodShape none = method(shape(Sample.class), "nothing");
        assertTrue(Matchers.<MethodShape>returns(void.class).matches(none));
        assertTrue(Matchers.<MethodShape>takesArguments(0).matches(none));

        // as ByteBuddy names them
        MethodShape byteBuddy = ByteBuddyShapes.of(new MethodDescription.ForLoadedMethod(
                Sample.class.getDeclaredMethod("mixed", String[].class, int.class, long.class, int[][].class)));
        for (int i = 0; i < 4; i++) {
            assertEquals(byteBuddy.parameters().get(i).name(), m.parameters().get(i).name());
        }
        assertEquals(byteBuddy.returnType().name(), m.returnType().name());
    }

    @Test
    void methodsConstructorsAndTheTypeInitialiserAreTold() throws Exception {
        ClassFileShape sample = shape(Sample.class);
        List<String> methods = new ArrayList<String>();
        List<String> constructors = new ArrayList<String>();
        List<String> all = new ArrayList<String>();
        for (MethodShape m : sample.methods()) {
            all.add(m.name());
            if (Matchers.<MethodShape>isMethod().matches(m)) {
                methods.add(m.name());
            }
            if (Matchers.<MethodShape>isConstructor().matches(m)) {
                constructors.add(m.name());
            }
        }
        assertTrue(all.contains("<clinit>"), "the class file declares it: " + all);
        assertFalse(methods.contains("<clinit>"), "isMethod: " + methods);
        assertFalse(constructors.contains("<clinit>"));
        assertFalse(methods.contains("<init>"));
        assertEquals(Arrays.asList("<init>", "<init>"), constructors);
        assertTrue(methods.containsAll(Arrays.asList("mixed", "count", "nothing", "annotated")), methods.toString());
        assertTrue(Matchers.<MethodShape>isConstructor().and(takesArgument(0, int.class)).matches(constructor(sample, "(I)V")));
    }

    private static MethodShape constructor(TypeShape type, String descriptor) {
        for (MethodShape m : type.methods()) {
            if (m.name().equals("<init>") && m.descriptor().equals(descriptor)) {
                return m;
            }
        }
        throw new AssertionError("no constructor " + descriptor);
    }

    @Test
    void annotationsOnMethodsAndTypes() throws Exception {
        ClassFileShape sample = shape(Sample.class);
        Matcher<MethodShape> marked = isAnnotatedWith(named(Marker.class.getName()));
        assertTrue(marked.matches(method(sample, "annotated")));
        assertFalse(marked.matches(method(sample, "count")));
        assertFalse(Matchers.<MethodShape>isAnnotatedWith(named("java.lang.Deprecated")).matches(method(sample, "annotated")));
        assertTrue(Matchers.<TypeShape>isAnnotatedWith(named(Marker.class.getName())).matches(sample), "on the class");
        assertFalse(Matchers.<TypeShape>isAnnotatedWith(named(Marker.class.getName())).matches(shape(Task.class)));
        assertTrue(Matchers.<TypeShape>declaresMethod(Matchers.<MethodShape>isAnnotatedWith(named(Marker.class.getName()))
                .and(named("annotated"))).matches(sample));
    }

    @Test
    void bridgeAndSyntheticMethodsAreToldByTheirFlags() throws Exception {
        ClassFileShape sample = shape(Sample.class);
        MethodShape bridge = null;
        MethodShape own = null;
        for (MethodShape m : sample.methods()) {
            if (m.name().equals("compareTo")) {
                if (m.descriptor().equals("(Ljava/lang/Object;)I")) {
                    bridge = m;
                } else {
                    own = m;
                }
            }
        }
        assertNotNull(bridge, "javac's bridge for Comparable<Sample>");
        assertNotNull(own);
        assertTrue(Matchers.<MethodShape>isBridge().matches(bridge));
        assertTrue(Matchers.<MethodShape>isSynthetic().matches(bridge), "a bridge is synthetic too");
        assertFalse(Matchers.<MethodShape>isBridge().matches(own));
        assertFalse(Matchers.<MethodShape>isSynthetic().matches(own));
        MethodShape lambda = null;
        for (MethodShape m : sample.methods()) {
            if (m.name().startsWith("lambda$")) {
                lambda = m;
            }
        }
        assertNotNull(lambda, "javac's method for the lambda");
        assertTrue(Matchers.<MethodShape>isSynthetic().matches(lambda));
        assertFalse(Matchers.<MethodShape>isBridge().matches(lambda));
        assertTrue(Matchers.<MethodShape>isStatic().matches(method(sample, "nothing")));
        assertFalse(Matchers.<MethodShape>isStatic().matches(method(sample, "count")));

        // a synthetic class (as generated ones are flagged)
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC | Opcodes.ACC_SYNTHETIC, "a/Generated", null, "java/lang/Object", null);
        MethodVisitor mv = writer.visitMethod(Opcodes.ACC_PUBLIC | Opcodes.ACC_ABSTRACT, "run", "()V", null, null);
        mv.visitEnd();
        writer.visitEnd();
        ClassFileShape generated = new ClassFileShape(new ClassReader(writer.toByteArray()), HIERARCHY.of(TEST,
                (ProtectionDomain) null));
        assertTrue(Matchers.<TypeShape>isSynthetic().matches(generated));
        assertFalse(Matchers.<TypeShape>isSynthetic().matches(sample));
        assertTrue(Matchers.<MethodShape>isAbstract().matches(method(generated, "run")));
        assertFalse(Matchers.<MethodShape>isAbstract().matches(method(sample, "count")));
        assertTrue(Matchers.<TypeShape>isInterface().matches(shape(Task.class)));
        assertFalse(Matchers.<TypeShape>isInterface().matches(sample));
    }

    // ---- the classes looked at

    @Retention(RetentionPolicy.RUNTIME)
    @interface Marker {
    }

    interface Task extends Runnable, java.io.Serializable {
    }

    @Marker
    static final class Sample implements Comparable<Sample> {
        static final Callable<String> LAMBDA;

        static {
            LAMBDA = () -> "x";
        }

        private final int value;

        Sample() {
            this(0);
        }

        Sample(int value) {
            this.value = value;
        }

        Object[] mixed(String[] names, int count, long size, int[][] grid) {
            return names;
        }

        int count(String s) {
            return s.length() + value;
        }

        static void nothing() {
        }

        @Marker
        void annotated() {
        }

        @Override
        public int compareTo(Sample o) {
            return Integer.compare(value, o.value);
        }
    }
}
