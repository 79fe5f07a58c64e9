package dev.rasp.core;

import dev.rasp.core.instrumentation.JdkTypes;

import dev.rasp.core.instrumentation.TypePrefilter;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.Matchers;
import dev.rasp.core.instrumentation.matching.Named;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start's pre-selection of loaded classes (LoadedClassDiscovery) and the preloaded sinks (SinkPreload). */
class StartupDiscoveryTest {

    private final Matcher<Named> jdkSinks = Activation.jdkSinks(Activation.modules());

    private static TypePrefilter prefilter() {
        return new TypePrefilter(Activation.typeKeys(Activation.modules()));
    }

    @Test
    void discoveryKeepsTheJdkSinksAndTheCandidatesOfAnotherLoader() throws Exception {
        ClassLoader own = new URLClassLoader(new URL[0], null);
        Activation.LoadedClassDiscovery discovery = new Activation.LoadedClassDiscovery(jdkSinks, own, prefilter(), new JdkTypes());
        assertTrue(discovery.keep(java.io.File.class), "a JDK sink");
        assertTrue(discovery.keep(java.io.FileInputStream.class), "a JDK sink");
        assertTrue(discovery.keep(java.util.concurrent.ThreadPoolExecutor.class), "a JDK executor (context)");
        assertFalse(discovery.keep(String.class), "a boot class no module hooks");
        assertFalse(discovery.keep(java.util.ArrayList.class), "a boot class no module hooks");
        // the application's (here: the test's) classes: those a matcher can match (TypePrefilter, by reflection)
        assertTrue(discovery.keep(org.h2.jdbc.JdbcStatement.class), "a JDBC driver's statement");
        assertFalse(discovery.keep(StartupDiscoveryTest.class), "a plain application class");
        assertFalse(discovery.keep(TypeDescription.class), "a plain library class");
        // named by the java.util.concurrent rule, but nothing hooked in its hierarchy
        assertFalse(discovery.keep(java.util.concurrent.ConcurrentLinkedQueue.class), "a JDK queue");
        // without the filter (-Drasp.debug.prefilter=off) every class of another loader
        Activation.LoadedClassDiscovery all = new Activation.LoadedClassDiscovery(jdkSinks, own, null, new JdkTypes());
        assertTrue(all.keep(StartupDiscoveryTest.class));
        assertFalse(all.keep(String.class));
        assertTrue(all.keep(java.util.concurrent.ConcurrentLinkedQueue.class), "boot classes by name alone");
    }

    @Test
    void discoveryLeavesOutTheAgentsOwnLoader() {
        ClassLoader own = StartupDiscoveryTest.class.getClassLoader();
        Activation.LoadedClassDiscovery discovery = new Activation.LoadedClassDiscovery(jdkSinks, own, prefilter(), new JdkTypes());
        assertFalse(discovery.keep(StartupDiscoveryTest.class));
        assertTrue(discovery.keep(java.io.File.class));
    }

    @Test
    void everyClassLoadedBeforeInstallIsAHookedJdkSinkOfThisJdk() throws Exception {
        for (String name : SinkPreload.BEFORE_INSTALL) {
            Class<?> type = Class.forName(name, false, null);
            assertTrue(jdkSinks.matches(new Matchers.TypeName(type.getName())), name + " is not hooked by name");
        }
    }

    @Test
    void everyPreloadedClassIsAHookedJdkSinkOfThisJdk() throws Exception {
        for (String name : SinkPreload.JDK_SINKS) {
            Class<?> type = Class.forName(name, false, null); // every one exists in JDK 17
            assertTrue(jdkSinks.matches(new Matchers.TypeName(type.getName())), name + " is not hooked by name");
        }
    }
}
