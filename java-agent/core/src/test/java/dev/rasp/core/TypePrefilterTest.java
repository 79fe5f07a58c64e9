package dev.rasp.core;

import dev.rasp.core.instrumentation.ByteBuddyShapes;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.JdkTypes;
import dev.rasp.core.instrumentation.LoadedClasses;
import dev.rasp.core.instrumentation.TypePrefilter;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.loading.ByteArrayClassLoader;
import net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy;
import net.bytebuddy.pool.TypePool;
import net.bytebuddy.utility.JavaModule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static net.bytebuddy.matcher.ElementMatchers.none;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The type pre-filter never drops a class that a module's type matcher matches: every class of
 * the JDK modules the agent hooks into, and synthetic classes for the matchers that do not look
 * at names alone (JDBC drivers in any package, annotated WebSocket endpoints, Jetty's handler,
 * a super type no class loader serves), are put to both.
 */
class TypePrefilterTest {

    private static TypePrefilter prefilter;
    private static ResettableClassFileTransformer matchers;

    @BeforeAll
    static void setUp() {
        List<TypeKeys> keys = new ArrayList<TypeKeys>();
        AgentBuilder builder = new AgentBuilder.Default().disableClassFormatChanges().ignore(none());
        for (InstrumentationModule module : Activation.modules()) {
            TypeKeys k = new TypeKeys();
            module.typeKeys(k);
            keys.add(k);
            builder = ByteBuddyShapes.applyTo(module.extend(new Transformations(), TypePrefilterTest.class.getClassLoader()), builder);
        }
        prefilter = new TypePrefilter(keys);
        matchers = (ResettableClassFileTransformer) builder.makeRaw();
    }

    /** Whether any module's type matcher matches the class in this class file, as ByteBuddy sees it at load time. */
    private static boolean matched(ClassLoader loader, String name, byte[] classFile) {
        ClassFileLocator locator = new ClassFileLocator.Compound(ClassFileLocator.Simple.of(name, classFile),
                ClassFileLocator.ForClassLoader.of(loader));
        TypeDescription type = TypePool.Default.WithLazyResolution.of(locator).describe(name).resolve();
        return matchers.iterator(type, loader, JavaModule.ofType(TypePrefilterTest.class), null, null).hasNext();
    }

    @Test
    void everyMatchedJdkClassIsACandidate() throws IOException {
        ClassLoader loader = ClassLoader.getSystemClassLoader();
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        List<Path> classes = new ArrayList<Path>();
        for (String module : new String[] {"java.base", "java.xml", "java.sql", "java.naming", "java.net.http"}) {
            try (Stream<Path> files = Files.walk(jrt.getPath("/modules", module))) {
                classes.addAll(files.filter(p -> p.toString().endsWith(".class")
                        && !p.getFileName().toString().equals("module-info.class")).collect(Collectors.toList()));
            }
        }
        int matched = 0;
        int candidates = 0;
        List<String> dropped = new ArrayList<String>();
        for (Path p : classes) {
            String internal = p.subpath(2, p.getNameCount()).toString();
            String name = internal.substring(0, internal.length() - ".class".length()).replace('/', '.');
            byte[] classFile = Files.readAllBytes(p);
            boolean candidate = prefilter.candidate(loader, classFile);
            candidates += candidate ? 1 : 0;
            if (matched(loader, name, classFile)) {
                matched++;
                if (!candidate) {
                    dropped.add(name);
                }
            }
        }
        assertEquals(Collections.emptyList(), dropped, "matched by a module but dropped by the pre-filter");
        assertTrue(matched > 100, "the JDK corpus holds hooked types (executors, threads, DOM, SAX, files): " + matched);
        // the point of it: most classes never reach the matchers
        assertTrue(candidates < classes.size() / 4, candidates + " candidates of " + classes.size());
    }

    @Test
    void jdbcDriversInAnyPackage() {
        Map<String, byte[]> types = new HashMap<String, byte[]>();
        byte[] driver = new ByteBuddy().subclass(Object.class).implement(Connection.class)
                .name("org.example.pool.ProxyConnection").make().getBytes();
        types.put("org.example.pool.ProxyConnection", driver);
        // a subclass in another package: the driver's class file is read through the loader
        byte[] subclass = new ByteBuddy()
                .subclass(TypePool.Default.of(new ClassFileLocator.Compound(
                        ClassFileLocator.Simple.of("org.example.pool.ProxyConnection", driver), ClassFileLocator.ForClassLoader.ofSystemLoader()))
                        .describe("org.example.pool.ProxyConnection").resolve(), ConstructorStrategy.Default.NO_CONSTRUCTORS)
                .name("org.example.app.MyConnection").make().getBytes();
        types.put("org.example.app.MyConnection", subclass);
        // declares executeQuery(String) returning ResultSet without implementing Statement
        byte[] lookalike = new ByteBuddy().subclass(Object.class).name("org.example.Lookalike")
                .defineMethod("executeQuery", ResultSet.class, Visibility.PUBLIC).withParameters(String.class)
                .intercept(net.bytebuddy.implementation.StubMethod.INSTANCE).make().getBytes();
        types.put("org.example.Lookalike", lookalike);
        ClassLoader served = new ByteArrayClassLoader(ClassLoader.getSystemClassLoader(), types,
                ByteArrayClassLoader.PersistenceHandler.MANIFEST);
        for (Map.Entry<String, byte[]> e : types.entrySet()) {
            assertTrue(matched(served, e.getKey(), e.getValue()), e.getKey());
            assertTrue(prefilter.candidate(served, e.getValue()), e.getKey());
        }
        // served by no loader: undecided, so a candidate
        ClassLoader notServed = new ByteArrayClassLoader(ClassLoader.getSystemClassLoader(), Collections.<String, byte[]>emptyMap(),
                ByteArrayClassLoader.PersistenceHandler.LATENT);
        assertTrue(prefilter.candidate(notServed, subclass));
    }

    @Test
    void namesAnnotationsAndShapes() {
        byte[] plain = new ByteBuddy().subclass(Object.class).name("org.example.Plain").make().getBytes();
        assertFalse(prefilter.candidate(getClass().getClassLoader(), plain));
        byte[] executor = new ByteBuddy().subclass(AbstractExecutorService.class).name("org.example.app.Pool")
                .make().getBytes();
        assertTrue(prefilter.candidate(getClass().getClassLoader(), executor));
        byte[] endpoint = new ByteBuddy().subclass(Object.class).name("org.example.ws.Chat")
                .defineMethod("onText", void.class, Visibility.PUBLIC).withParameters(String.class)
                .intercept(net.bytebuddy.implementation.StubMethod.INSTANCE)
                .annotateMethod(net.bytebuddy.description.annotation.AnnotationDescription.Builder
                        .ofType(javax.websocket.OnMessage.class).build())
                .make().getBytes();
        assertTrue(prefilter.candidate(getClass().getClassLoader(), endpoint));
        assertTrue(matched(getClass().getClassLoader(), "org.example.ws.Chat", endpoint));
        byte[] jetty = new ByteBuddy().subclass(Object.class)
                .name("org.eclipse.jetty.websocket.core.internal.SomeWebSocketFrameHandler").make().getBytes();
        assertTrue(prefilter.candidate(getClass().getClassLoader(), jetty));
    }

    /**
     * As the agent builds it, the pre-filter reads no super type of a class that shows no key of its
     * own and declares no method a rule looking at super types could weave: such a class is left as
     * it is whatever they are. A class that declares one still has them read, and is still a
     * candidate when they cannot be read; so is a class whose methods table cannot be walked.
     */
    @Test
    void superTypesAreReadOnlyForAClassThatDeclaresAWovenMethod() {
        Transformations all = new Transformations();
        for (InstrumentationModule module : Activation.modules()) {
            module.extend(all, getClass().getClassLoader());
        }
        TypePrefilter gated = new TypePrefilter(Activation.typeKeys(Activation.modules()), new JdkTypes(),
                all.methodNamesOfHierarchyRules());
        ClassLoader loader = getClass().getClassLoader();
        // a pool subclass that only adds a constructor and toString: its inherited submit() is woven
        // in the JDK's class, not here
        byte[] quietPool = new ByteBuddy().subclass(AbstractExecutorService.class).name("org.example.app.QuietPool")
                .defineMethod("toString", String.class, Visibility.PUBLIC)
                .intercept(net.bytebuddy.implementation.FixedValue.value("pool")).make().getBytes();
        assertFalse(gated.candidate(loader, quietPool));
        assertEquals(0, gated.readStats()[0], "no super type read");
        assertTrue(prefilter.candidate(loader, quietPool), "without the names: read, and an executor");
        byte[] pool = new ByteBuddy().subclass(AbstractExecutorService.class).name("org.example.app.Pool")
                .defineMethod("execute", void.class, Visibility.PUBLIC).withParameters(Runnable.class)
                .intercept(net.bytebuddy.implementation.StubMethod.INSTANCE).make().getBytes();
        assertTrue(gated.candidate(loader, pool), "declares execute(Runnable)");
        assertTrue(gated.readStats()[0] > 0, "its super types read");
        // super types served by no loader: undecided only when the class declares a woven method
        ClassLoader notServed = new ByteArrayClassLoader(null, Collections.<String, byte[]>emptyMap(),
                ByteArrayClassLoader.PersistenceHandler.LATENT);
        byte[] runs = classFile("org/example/app/Job", "org/example/missing/Base", "run");
        byte[] idle = classFile("org/example/app/Idle", "org/example/missing/Base", "idle");
        assertTrue(gated.candidate(notServed, runs), "run() and an unreadable super type: undecided");
        assertFalse(gated.candidate(notServed, idle), "no woven method: whatever the super type");
        // a class file cut short in its methods table (the constant pool intact): undecided
        byte[] cut = java.util.Arrays.copyOf(idle, idle.length - 27); // into the one method_info
        assertTrue(gated.candidate(notServed, cut), "methods table unreadable");
    }

    /**
     * The native first look asks about a class it could not decide on its own file by name only
     * (its superclass, then its interfaces): the answer is the one the whole class file gets, and
     * it is remembered for the class as for a class file (a subclass reads nothing more).
     */
    @Test
    void theFirstLooksQuestionAboutSuperTypesIsAnsweredAsTheClassFileIs() {
        Transformations all = new Transformations();
        for (InstrumentationModule module : Activation.modules()) {
            module.extend(all, getClass().getClassLoader());
        }
        List<TypeKeys> keys = Activation.typeKeys(Activation.modules());
        ClassLoader loader = getClass().getClassLoader();
        ClassLoader notServed = new ByteArrayClassLoader(null, Collections.<String, byte[]>emptyMap(),
                ByteArrayClassLoader.PersistenceHandler.LATENT);
        Object[][] cases = {
            // loader, name, superclass then interfaces, the class file
            {loader, "org/example/app/Pool", new String[] {"java/util/concurrent/AbstractExecutorService"},
                new ByteBuddy().subclass(AbstractExecutorService.class).name("org.example.app.Pool")
                    .defineMethod("execute", void.class, Visibility.PUBLIC).withParameters(Runnable.class)
                    .intercept(net.bytebuddy.implementation.StubMethod.INSTANCE).make().getBytes()},
            {loader, "org/example/app/Job", new String[] {"java/lang/Object", "java/lang/Runnable"},
                new ByteBuddy().subclass(Object.class).implement(Runnable.class).name("org.example.app.Job")
                    .defineMethod("run", void.class, Visibility.PUBLIC)
                    .intercept(net.bytebuddy.implementation.StubMethod.INSTANCE).make().getBytes()},
            {loader, "org/example/app/Named", new String[] {"java/lang/Object", "java/lang/Comparable"},
                new ByteBuddy().subclass(Object.class).implement(Comparable.class).name("org.example.app.Named")
                    .defineMethod("run", void.class, Visibility.PUBLIC)
                    .intercept(net.bytebuddy.implementation.StubMethod.INSTANCE).make().getBytes()},
            {notServed, "org/example/app/Orphan", new String[] {"org/example/missing/Base"},
                classFile("org/example/app/Orphan", "org/example/missing/Base", "run")},
        };
        for (Object[] c : cases) {
            TypePrefilter byName = new TypePrefilter(keys, new JdkTypes(), all.methodNamesOfHierarchyRules());
            TypePrefilter byFile = new TypePrefilter(keys, new JdkTypes(), all.methodNamesOfHierarchyRules());
            ClassLoader l = (ClassLoader) c[0];
            assertEquals(byFile.candidate(l, (byte[]) c[3]), byName.superTypesCandidate(l, null, (String) c[1], (String[]) c[2]),
                    "asked by name as the class file answers: " + c[1]);
        }
        // remembered: a subclass of a class answered no reads no class file to be answered no
        TypePrefilter byName = new TypePrefilter(keys, new JdkTypes(), all.methodNamesOfHierarchyRules());
        assertFalse(byName.superTypesCandidate(notServed, null, "org/example/app/Base", new String[] {"java/lang/Object"}));
        long reads = byName.readStats()[0];
        assertFalse(byName.candidate(notServed, classFile("org/example/app/Derived", "org/example/app/Base", "run")),
                "a class the loader does not serve, yet known");
        assertEquals(reads, byName.readStats()[0], "nothing read for it");
    }

    /** A public class with these void no-argument methods (and no constructor). */
    private static byte[] classFile(String internalName, String superName, String... methods) {
        org.objectweb.asm.ClassWriter w = new org.objectweb.asm.ClassWriter(0);
        w.visit(org.objectweb.asm.Opcodes.V1_8, org.objectweb.asm.Opcodes.ACC_PUBLIC, internalName, null, superName, null);
        for (String m : methods) {
            org.objectweb.asm.MethodVisitor v = w.visitMethod(org.objectweb.asm.Opcodes.ACC_PUBLIC, m, "()V", null, null);
            v.visitCode();
            v.visitInsn(org.objectweb.asm.Opcodes.RETURN);
            v.visitMaxs(0, 1);
            v.visitEnd();
        }
        w.visitEnd();
        return w.toByteArray();
    }

    /**
     * JDK super types loaded when the transformer is installed are judged on the loaded class, not
     * read from the JDK's image: the same verdicts, no class file read.
     */
    @Test
    void loadedJdkSuperTypesAreNotReadAgain() {
        List<TypeKeys> keys = Activation.typeKeys(Activation.modules());
        TypePrefilter reading = new TypePrefilter(keys);
        JdkTypes jdk = new JdkTypes();
        TypePrefilter knowing = new TypePrefilter(keys, jdk);
        jdk.know(new Class<?>[] {AbstractExecutorService.class, java.util.AbstractList.class,
                java.util.AbstractCollection.class, java.io.FilterInputStream.class, java.io.InputStream.class});
        ClassLoader loader = getClass().getClassLoader();
        byte[] pool = new ByteBuddy().subclass(AbstractExecutorService.class).name("org.example.app.Pool").make().getBytes();
        byte[] list = new ByteBuddy().subclass(java.util.AbstractList.class).name("org.example.app.List").make().getBytes();
        byte[] stream = new ByteBuddy().subclass(java.io.FilterInputStream.class).name("org.example.app.Stream").make().getBytes();
        for (byte[] classFile : new byte[][] {pool, list, stream}) {
            assertEquals(reading.candidate(loader, classFile), knowing.candidate(loader, classFile));
        }
        assertTrue(knowing.candidate(loader, pool), "an executor");
        assertFalse(knowing.candidate(loader, list), "a list");
        assertTrue(reading.readStats()[0] >= 3, "read " + reading.readStats()[0]);
        assertEquals(0, knowing.readStats()[0], "no class file read for a loaded JDK super type");
    }

    /**
     * A super type its loader has loaded already is described from its class (the JVM's record,
     * LoadedClasses), not read from a class file: here the loader serves no class files at all (as
     * for classes generated at run time), so without it both bases are undecided and both subclasses
     * candidates; with it the plain base's subclass is left and the statement base's is not, and no
     * class file is read.
     */
    @Test
    void aSuperTypeItsLoaderHasLoadedIsDescribedFromItsClass() throws Exception {
        Map<String, byte[]> types = new HashMap<String, byte[]>();
        types.put("org.example.gen.PlainBase", new ByteBuddy().subclass(Object.class).name("org.example.gen.PlainBase")
                .make().getBytes());
        types.put("org.example.gen.StatementBase", new ByteBuddy().subclass(java.sql.Statement.class)
                .name("org.example.gen.StatementBase").make().getBytes());
        ClassLoader loader = new ByteArrayClassLoader(getClass().getClassLoader(), types,
                ByteArrayClassLoader.PersistenceHandler.LATENT);
        loader.loadClass("org.example.gen.PlainBase");
        loader.loadClass("org.example.gen.StatementBase");
        assertEquals(null, loader.getResource("org/example/gen/PlainBase.class"), "no class file served");
        byte[] plainRunner = runner("org.example.gen.PlainRunner", "org.example.gen.PlainBase");
        byte[] statementRunner = runner("org.example.gen.StatementRunner", "org.example.gen.StatementBase");

        List<TypeKeys> keys = Activation.typeKeys(Activation.modules());
        TypePrefilter reading = new TypePrefilter(keys, new JdkTypes(), null, LoadedClasses.NONE);
        assertTrue(reading.candidate(loader, plainRunner), "an unreadable base is undecided");
        assertTrue(reading.candidate(loader, statementRunner));

        // the JVM's record as the agent asks it (there through JNI, here by reflection on java.lang,
        // opened to this test's module alone)
        JavaModules.grant(SelfAttachedInstrumentation.get(), ClassLoader.class, TypePrefilterTest.class, true);
        final java.lang.reflect.Method findLoadedClass = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
        findLoadedClass.setAccessible(true);
        LoadedClasses loaded = LoadedClasses.of((l, name) -> {
            try {
                return (Class<?>) findLoadedClass.invoke(l, name);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
        JdkTypes jdk = new JdkTypes();
        jdk.know(new Class<?>[] {Object.class}); // as at the agent's start: the JDK's own are not read either
        TypePrefilter knowing = new TypePrefilter(keys, jdk, null, loaded);
        assertFalse(knowing.candidate(loader, plainRunner), "a plain base, as loaded");
        assertTrue(knowing.candidate(loader, statementRunner), "a java.sql.Statement, as loaded");
        assertEquals(0, knowing.readStats()[0], "no class file read");
        assertEquals(2, knowing.readStats()[4], "both bases described from their classes");
    }

    /** A class of this name extending {@code superName} that declares {@code execute(String)}, not loaded. */
    private static byte[] runner(String name, String superName) {
        org.objectweb.asm.ClassWriter w = new org.objectweb.asm.ClassWriter(0);
        w.visit(org.objectweb.asm.Opcodes.V1_8, org.objectweb.asm.Opcodes.ACC_PUBLIC, name.replace('.', '/'), null,
                superName.replace('.', '/'), null);
        org.objectweb.asm.MethodVisitor m = w.visitMethod(org.objectweb.asm.Opcodes.ACC_PUBLIC, "execute",
                "(Ljava/lang/String;)Z", null, null);
        m.visitCode();
        m.visitInsn(org.objectweb.asm.Opcodes.ICONST_0);
        m.visitInsn(org.objectweb.asm.Opcodes.IRETURN);
        m.visitMaxs(1, 2);
        m.visitEnd();
        w.visitEnd();
        return w.toByteArray();
    }

    /** Whether any module's type matcher matches this loaded class, as ByteBuddy sees it at attach (by reflection). */
    private static boolean matchedLoaded(Class<?> type) {
        return matchers.iterator(TypeDescription.ForLoadedType.of(type), type.getClassLoader(), JavaModule.ofType(type),
                type, null).hasNext();
    }

    /**
     * Loaded classes (what the agent finds at attach): every class ByteBuddy's matchers match by
     * reflection is a candidate by reflection too, over the JDK modules the agent hooks and the
     * JDBC drivers, pool and WebSocket API on the test class path.
     */
    @Test
    void everyMatchedLoadedClassIsACandidate() throws Exception {
        List<String> names = new ArrayList<String>();
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        for (String module : new String[] {"java.base", "java.sql", "java.naming", "java.net.http"}) {
            try (Stream<Path> files = Files.walk(jrt.getPath("/modules", module))) {
                files.filter(p -> p.getNameCount() > 2).map(p -> p.subpath(2, p.getNameCount()).toString())
                        .filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class"))
                        .forEach(n -> names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
            }
        }
        for (Class<?> marker : new Class<?>[] {org.h2.Driver.class, org.hsqldb.jdbc.JDBCDriver.class,
                com.zaxxer.hikari.HikariDataSource.class, javax.websocket.OnMessage.class}) {
            Path jar = Paths.get(marker.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (java.util.jar.JarFile file = new java.util.jar.JarFile(jar.toFile())) {
                file.stream().map(java.util.jar.JarEntry::getName)
                        .filter(n -> n.endsWith(".class") && !n.contains("module-info") && !n.startsWith("META-INF"))
                        .forEach(n -> names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.')));
            }
        }
        ClassLoader loader = getClass().getClassLoader();
        int loaded = 0;
        int matched = 0;
        int candidates = 0;
        List<String> dropped = new ArrayList<String>();
        for (String name : names) {
            Class<?> type;
            try {
                type = Class.forName(name, false, loader);
            } catch (Throwable notLoadable) {
                continue; // an optional dependency missing here: such a class is never loaded in an application either
            }
            loaded++;
            boolean candidate = prefilter.candidate(type);
            candidates += candidate ? 1 : 0;
            boolean isMatched;
            try {
                isMatched = matchedLoaded(type);
            } catch (Throwable reflectionFails) {
                continue; // ByteBuddy cannot describe it either; the filter then says candidate (undecided)
            }
            if (isMatched) {
                matched++;
                if (!candidate) {
                    dropped.add(name);
                }
            }
        }
        assertEquals(Collections.emptyList(), dropped, "matched by a module but dropped by the reflective pre-filter");
        assertTrue(loaded > 5000, "loaded " + loaded);
        assertTrue(matched > 50, "matched " + matched);
        assertTrue(candidates < loaded / 4, candidates + " candidates of " + loaded);
    }

    /** The verdicts by reflection agree with those of the class files on plain classes and on key holders. */
    @Test
    void loadedVerdictsAgreeWithClassFiles() throws Exception {
        Map<String, byte[]> types = new HashMap<String, byte[]>();
        types.put("org.example.Lookalike", new ByteBuddy().subclass(Object.class).name("org.example.Lookalike")
                .defineMethod("executeQuery", ResultSet.class, Visibility.PUBLIC).withParameters(String.class)
                .intercept(net.bytebuddy.implementation.StubMethod.INSTANCE).make().getBytes());
        types.put("org.example.ws.Chat", new ByteBuddy().subclass(Object.class).name("org.example.ws.Chat")
                .defineMethod("onText", void.class, Visibility.PUBLIC).withParameters(String.class)
                .intercept(net.bytebuddy.implementation.StubMethod.INSTANCE)
                .annotateMethod(net.bytebuddy.description.annotation.AnnotationDescription.Builder
                        .ofType(javax.websocket.OnMessage.class).build())
                .make().getBytes());
        types.put("org.example.Plain", new ByteBuddy().subclass(Object.class).name("org.example.Plain").make().getBytes());
        ClassLoader loader = new ByteArrayClassLoader(getClass().getClassLoader(), types,
                ByteArrayClassLoader.PersistenceHandler.MANIFEST);
        for (Map.Entry<String, byte[]> e : types.entrySet()) {
            Class<?> type = Class.forName(e.getKey(), false, loader);
            assertEquals(prefilter.candidate(loader, e.getValue()), prefilter.candidate(type), e.getKey());
            assertEquals(matchedLoaded(type), prefilter.candidate(type), e.getKey());
        }
        assertTrue(prefilter.candidate(Class.forName("org.example.Lookalike", false, loader)), "declares executeQuery(String)");
        assertTrue(prefilter.candidate(Class.forName("org.example.ws.Chat", false, loader)), "an @OnMessage method");
        assertTrue(prefilter.candidate(java.util.concurrent.ThreadPoolExecutor.class));
        assertTrue(prefilter.candidate(org.h2.jdbc.JdbcConnection.class));
        assertFalse(prefilter.candidate(java.util.ArrayList.class));
        assertFalse(prefilter.candidate(TypePrefilterTest.class));
        assertFalse(prefilter.candidate(String.class));
    }

    /**
     * A loaded class with a code source (as every class of an application's jars has): its constants
     * are read from its class file in that jar, as at load, not by reflection, which resolves (and
     * loads) every declared member's types and fails when one is missing.
     */
    @Test
    void aLoadedClassFromAJarIsJudgedByItsClassFile() throws Exception {
        Map<String, byte[]> types = new HashMap<String, byte[]>();
        types.put("org/example/jar/Lookalike.class", new ByteBuddy().subclass(Object.class).name("org.example.jar.Lookalike")
                .defineMethod("executeQuery", ResultSet.class, Visibility.PUBLIC).withParameters(String.class)
                .intercept(net.bytebuddy.implementation.StubMethod.INSTANCE).make().getBytes());
        // a field of a type the class path lacks: reflection cannot answer (NoClassDefFoundError)
        TypeDescription missing = new ByteBuddy().subclass(Object.class).name("org.example.jar.Missing").make()
                .getTypeDescription(); // not put in the jar
        types.put("org/example/jar/Broken.class", new ByteBuddy().subclass(Object.class).name("org.example.jar.Broken")
                .defineField("missing", missing, Visibility.PUBLIC).make().getBytes());
        Path jar = Files.createTempFile("prefilter-loaded", ".jar");
        try (java.util.jar.JarOutputStream out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
            for (Map.Entry<String, byte[]> e : types.entrySet()) {
                out.putNextEntry(new java.util.jar.JarEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(
                new java.net.URL[] {new java.net.URL("jar:" + jar.toUri() + "!/")}, getClass().getClassLoader())) {
            Class<?> lookalike = Class.forName("org.example.jar.Lookalike", false, loader);
            assertTrue(lookalike.getProtectionDomain().getCodeSource().getLocation() != null);
            assertTrue(prefilter.candidate(lookalike), "declares executeQuery(String)");
            Class<?> broken = Class.forName("org.example.jar.Broken", false, loader);
            assertThrows(NoClassDefFoundError.class, broken::getDeclaredFields);
            assertFalse(prefilter.candidate(broken), "a member type missing from the class path does not make it undecided");
        } finally {
            Files.delete(jar);
        }
    }

    /**
     * With the native class hook installed, a loaded class's key constants are asked of the JVM (its
     * constant pool), and only its -1 (cannot say) falls back to the class file: the JVM's answer decides
     * for a class that shows no key name and inherits none, whichever way the class file would go.
     */
    @Test
    void aLoadedClassesConstantsAreAskedOfTheJvmFirst() throws Exception {
        List<TypeKeys> keys = new ArrayList<TypeKeys>();
        for (InstrumentationModule module : Activation.modules()) {
            TypeKeys k = new TypeKeys();
            module.typeKeys(k);
            keys.add(k);
        }
        TypePrefilter filter = new TypePrefilter(keys);
        Map<String, byte[]> types = new HashMap<String, byte[]>();
        types.put("org.example.jvm.Lookalike", new ByteBuddy().subclass(Object.class).name("org.example.jvm.Lookalike")
                .defineMethod("executeQuery", ResultSet.class, Visibility.PUBLIC).withParameters(String.class)
                .intercept(net.bytebuddy.implementation.StubMethod.INSTANCE).make().getBytes());
        types.put("org.example.jvm.Plain", new ByteBuddy().subclass(Object.class).name("org.example.jvm.Plain").make().getBytes());
        ClassLoader loader = new ByteArrayClassLoader(getClass().getClassLoader(), types,
                ByteArrayClassLoader.PersistenceHandler.MANIFEST);
        Class<?> lookalike = Class.forName("org.example.jvm.Lookalike", false, loader);
        Class<?> plain = Class.forName("org.example.jvm.Plain", false, loader);
        final Map<Class<?>, Integer> jvm = new HashMap<Class<?>, Integer>();
        filter.readLoadedConstantsFrom(new java.util.function.ToIntFunction<Class<?>>() {
            @Override
            public int applyAsInt(Class<?> type) {
                Integer answer = jvm.get(type);
                return answer == null ? -1 : answer;
            }
        });
        jvm.put(lookalike, 0);
        jvm.put(plain, 1);
        assertFalse(filter.candidate(lookalike), "the JVM's no stands");
        assertTrue(filter.candidate(plain), "the JVM's yes stands");
        assertArrayEquals(new int[] {2, 0}, filter.loadedConstantReads());
        jvm.clear();
        assertTrue(filter.candidate(lookalike), "unknown: its class file says executeQuery(String)");
        assertFalse(filter.candidate(plain), "unknown: its class file holds no key");
        assertArrayEquals(new int[] {2, 2}, filter.loadedConstantReads());
    }

    /** The spec the native hook's first look is built from: every key, the woven names, the boot names; bounds that are not bounds say so. */
    @Test
    void theFirstLookSpecCarriesEveryKey() throws IOException {
        TypeKeys keys = new TypeKeys().names("java.sql.Statement").nameShape("org.sqlite.", "Stmt").constant("Ljava/sql/Connection;");
        TypePrefilter bounded = new TypePrefilter(Collections.singletonList(keys), new JdkTypes(),
                new java.util.HashSet<String>(java.util.Arrays.asList("executeQuery", "doFilter")));
        List<String> records = specRecords(bounded.firstLookSpec(dev.rasp.core.instrumentation.matching.Matchers
                .<dev.rasp.core.instrumentation.matching.Named>named("java.io.File")
                .or(dev.rasp.core.instrumentation.matching.Matchers.nameStartsWith("java.util.concurrent."))));
        Collections.sort(records);
        assertEquals(java.util.Arrays.asList("1 java/sql/Statement", "2 org/sqlite/", "3 Stmt", "4 Ljava/sql/Connection;",
                "5 doFilter", "5 executeQuery", "7 java/io/File", "8 java/util/concurrent/"), records);
        // no bound on the woven names or the boot types: the first look lets those through
        TypePrefilter unbounded = new TypePrefilter(Collections.singletonList(keys), new JdkTypes(), null);
        List<String> open = specRecords(unbounded.firstLookSpec(dev.rasp.core.instrumentation.matching.Matchers
                .nameEndsWith("Impl")));
        assertTrue(open.contains("6 ") && open.contains("9 "), open.toString());
        assertTrue(open.stream().noneMatch(r -> r.startsWith("5 ") || r.startsWith("7 ") || r.startsWith("8 ")), open.toString());
    }

    /** The spec's records as "kind text". */
    private static List<String> specRecords(byte[] spec) throws IOException {
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(spec));
        List<String> records = new ArrayList<String>();
        while (in.available() > 0) {
            int kind = in.readUnsignedByte();
            records.add(kind + " " + in.readUTF());
        }
        return records;
    }
}
