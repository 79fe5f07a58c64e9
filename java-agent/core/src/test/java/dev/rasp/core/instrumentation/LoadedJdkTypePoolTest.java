package dev.rasp.core.instrumentation;

import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.matcher.ElementMatcher;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.sql.PreparedStatement;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;

import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The agent's type pools describe the JDK's loaded types from their classes (no class file read
 * from the JDK's image) and answer the agent's matchers as the class files did.
 */
class LoadedJdkTypePoolTest {

    /** The generated application classes, then the JDK's class files; records every name read. */
    private static final class Files implements ClassFileLocator {
        final Map<String, byte[]> generated = new HashMap<String, byte[]>();
        final List<String> read = new ArrayList<String>();
        private final ClassFileLocator jdk = ClassFileLocator.ForClassLoader.ofSystemLoader();

        @Override
        public Resolution locate(String name) throws java.io.IOException {
            read.add(name);
            byte[] b = generated.get(name);
            return b != null ? new Resolution.Explicit(b) : jdk.locate(name);
        }

        @Override
        public void close() {
        }

        List<String> jdkReads() {
            List<String> jdkReads = new ArrayList<String>();
            for (String name : read) {
                if (!generated.containsKey(name)) {
                    jdkReads.add(name);
                }
            }
            return jdkReads;
        }
    }

    private static final Class<?>[] LOADED = {Object.class, AbstractExecutorService.class, ExecutorService.class,
            Executor.class, AutoCloseable.class, PreparedStatement.class, java.sql.Statement.class, java.sql.Wrapper.class,
            ThreadPoolExecutor.class};

    private static JdkTypes knowing(Class<?>... loaded) {
        JdkTypes jdk = new JdkTypes();
        jdk.know(loaded);
        return jdk;
    }

    /** The module matchers' shapes, on an application class extending and implementing the JDK's types. */
    private static final ElementMatcher<TypeDescription> EXECUTOR = not(isInterface()).and(hasSuperType(named(Executor.class.getName())));
    private static final ElementMatcher<TypeDescription> STATEMENT =
            not(isInterface()).and(hasSuperType(namedOneOf("java.sql.Statement", "javax.servlet.Servlet")));

    @Test
    void loadedJdkSuperTypesAreMatchedWithoutReadingTheirClassFiles() {
        Files files = new Files();
        files.generated.put("org.example.app.Pool",
                new ByteBuddy().subclass(AbstractExecutorService.class).name("org.example.app.Pool").make().getBytes());
        files.generated.put("org.example.app.Query",
                new ByteBuddy().subclass(Object.class).implement(PreparedStatement.class).name("org.example.app.Query").make().getBytes());
        ClassLoader loader = new URLClassLoader(new URL[0], null);
        long hierarchyReads = LoadedJdkTypePool.CLASS_FILE_READS.get();

        AgentBuilder.PoolStrategy strategy = TypePoolCache.forTypes(knowing(LOADED));
        TypeDescription pool = strategy.typePool(files, loader, "org.example.app.Pool").describe("org.example.app.Pool").resolve();
        TypeDescription query = strategy.typePool(files, loader, "org.example.app.Query").describe("org.example.app.Query").resolve();
        assertTrue(EXECUTOR.matches(pool));
        assertFalse(STATEMENT.matches(pool));
        assertTrue(STATEMENT.matches(query), "java.sql.Statement, through PreparedStatement's own super types");
        assertFalse(EXECUTOR.matches(query));
        assertEquals(new ArrayList<String>(), files.jdkReads(), "no JDK class file read");
        assertEquals(hierarchyReads, LoadedJdkTypePool.CLASS_FILE_READS.get(), "nor behind a hierarchy's back");

        // the same verdicts with every class file read, as before
        Files reading = new Files();
        reading.generated.putAll(files.generated);
        AgentBuilder.PoolStrategy before = TypePoolCache.forTypes(new JdkTypes());
        TypeDescription pool2 = before.typePool(reading, loader, "org.example.app.Pool").describe("org.example.app.Pool").resolve();
        TypeDescription query2 = before.typePool(reading, loader, "org.example.app.Query").describe("org.example.app.Query").resolve();
        assertTrue(EXECUTOR.matches(pool2));
        assertFalse(STATEMENT.matches(pool2));
        assertTrue(STATEMENT.matches(query2));
        assertFalse(EXECUTOR.matches(query2));
        assertTrue(reading.jdkReads().contains(AbstractExecutorService.class.getName()), "read: " + reading.jdkReads());
    }

    @Test
    void aJdkTypeNotLoadedAtInstallIsReadAsBefore() {
        Files files = new Files();
        files.generated.put("org.example.app.Names",
                new ByteBuddy().subclass(AbstractList.class).name("org.example.app.Names").make().getBytes());
        AgentBuilder.PoolStrategy strategy = TypePoolCache.forTypes(knowing(Object.class));
        TypeDescription names = strategy.typePool(files, new URLClassLoader(new URL[0], null), "org.example.app.Names")
                .describe("org.example.app.Names").resolve();
        assertFalse(EXECUTOR.matches(names));
        assertTrue(files.jdkReads().contains(AbstractList.class.getName()), "read: " + files.jdkReads());
        assertFalse(files.jdkReads().contains(Object.class.getName()), "Object was loaded: " + files.jdkReads());
    }

    /** The class being transformed has its members matched and woven: always from its class file. */
    @Test
    void theTransformedTypeIsDescribedFromItsClassFileEvenWhenLoaded() {
        Files files = new Files();
        String name = ThreadPoolExecutor.class.getName();
        TypeDescription transformed = TypePoolCache.forTypes(knowing(LOADED)).typePool(files, null, name).describe(name).resolve();
        assertFalse(transformed instanceof LoadedJdkTypePool.Hierarchy);
        assertFalse(transformed.getDeclaredMethods().filter(named("execute")).isEmpty());
        assertTrue(files.read.contains(name), "read: " + files.read);
    }

    /** What the agent's matchers do not ask (members, generic types) still comes right, from the class file. */
    @Test
    void membersOfALoadedJdkTypeComeFromItsClassFile() {
        LoadedJdkTypePool pool = new LoadedJdkTypePool(knowing(LOADED), null);
        TypeDescription executor = pool.describe(ThreadPoolExecutor.class.getName()).resolve();
        assertTrue(executor instanceof LoadedJdkTypePool.Hierarchy);
        assertEquals(AbstractExecutorService.class.getName(), executor.getSuperClass().asErasure().getName());
        assertEquals(TypeDescription.ForLoadedType.of(ThreadPoolExecutor.class), executor, "equal to the reflective description");
        long before = LoadedJdkTypePool.CLASS_FILE_READS.get();
        assertFalse(executor.getDeclaredMethods().filter(named("shutdownNow")).isEmpty());
        assertEquals(before + 1, LoadedJdkTypePool.CLASS_FILE_READS.get());
        assertFalse(pool.describe("java.util.AbstractList").isResolved(), "not known as loaded: not served");
        assertFalse(pool.describe("org.example.app.Pool").isResolved());
        assertNotEquals(null, pool.describe(Executor.class.getName()).resolve().getInterfaces());
    }

    /** Only the JDK's classes, of the boot and platform loaders, are known. */
    @Test
    void applicationClassesAreNeverKnown() {
        JdkTypes jdk = knowing(LoadedJdkTypePoolTest.class, Object.class, PreparedStatement.class);
        assertEquals(2, jdk.size());
        assertEquals(Object.class, jdk.loaded("java.lang.Object"));
        assertEquals(null, jdk.loaded(LoadedJdkTypePoolTest.class.getName()));
    }
}
