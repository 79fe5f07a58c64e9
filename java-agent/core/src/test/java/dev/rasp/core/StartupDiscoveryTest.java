package dev.rasp.core;

import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start's pre-selection of loaded classes (LoadedClassDiscovery) and the preloaded sinks (SinkPreload). */
class StartupDiscoveryTest {

    private final ElementMatcher.Junction<TypeDescription> jdkSinks = Activation.jdkSinks(Activation.modules());

    @Test
    void discoveryKeepsTheJdkSinksAndEveryClassOfAnotherLoader() throws Exception {
        ClassLoader own = new URLClassLoader(new URL[0], null);
        Activation.LoadedClassDiscovery discovery = new Activation.LoadedClassDiscovery(jdkSinks, own);
        assertTrue(discovery.keep(java.io.File.class), "a JDK sink");
        assertTrue(discovery.keep(java.io.FileInputStream.class), "a JDK sink");
        assertTrue(discovery.keep(java.util.concurrent.ThreadPoolExecutor.class), "a JDK executor (context)");
        assertFalse(discovery.keep(String.class), "a boot class no module hooks");
        assertFalse(discovery.keep(java.util.ArrayList.class), "a boot class no module hooks");
        // the application's (here: the test's) classes are all handed to ByteBuddy's matchers
        assertTrue(discovery.keep(StartupDiscoveryTest.class));
        assertTrue(discovery.keep(TypeDescription.class));
    }

    @Test
    void discoveryLeavesOutTheAgentsOwnLoader() {
        ClassLoader own = StartupDiscoveryTest.class.getClassLoader();
        Activation.LoadedClassDiscovery discovery = new Activation.LoadedClassDiscovery(jdkSinks, own);
        assertFalse(discovery.keep(StartupDiscoveryTest.class));
        assertTrue(discovery.keep(java.io.File.class));
    }

    @Test
    void everyPreloadedClassIsAHookedJdkSinkOfThisJdk() throws Exception {
        for (String name : SinkPreload.JDK_SINKS) {
            Class<?> type = Class.forName(name, false, null); // every one exists in JDK 17
            assertTrue(jdkSinks.matches(TypeDescription.ForLoadedType.of(type)), name + " is not hooked by name");
        }
    }
}
