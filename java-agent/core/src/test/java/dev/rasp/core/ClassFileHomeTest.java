package dev.rasp.core;

import dev.rasp.core.instrumentation.TypePrefilter;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pre-filter reads a super type from the jar of the class that names it before it asks the
 * class loader (ClassFileHome): the same verdicts, without the loader's search of its whole
 * delegation chain, and the loader still answers for a super type that jar does not hold.
 */
class ClassFileHomeTest {

    @TempDir
    Path dir;

    private static TypePrefilter prefilter() {
        return new TypePrefilter(Activation.typeKeys(Activation.modules()));
    }

    /** A URLClassLoader over the jars that counts the resources it is asked for. */
    private static final class CountingLoader extends URLClassLoader {
        final AtomicInteger asked = new AtomicInteger();

        CountingLoader(URL... urls) {
            super(urls, ClassLoader.getSystemClassLoader());
        }

        @Override
        public URL getResource(String name) {
            asked.incrementAndGet();
            return super.getResource(name);
        }
    }

    /** An interface extending the one in {@code superBytes} (described from those bytes, never loaded). */
    private static byte[] extending(String superName, byte[] superBytes, String name) {
        TypeDescription parent = TypePool.Default.of(new ClassFileLocator.Compound(
                ClassFileLocator.Simple.of(superName, superBytes), ClassFileLocator.ForClassLoader.ofSystemLoader()))
                .describe(superName).resolve();
        return new ByteBuddy().makeInterface(parent).name(name).make().getBytes();
    }

    private Path jar(String file, Map<String, byte[]> classes) throws IOException {
        Path jar = dir.resolve(file);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : classes.entrySet()) {
                j.putNextEntry(new JarEntry(e.getKey().replace('.', '/') + ".class"));
                j.write(e.getValue());
                j.closeEntry();
            }
        }
        return jar;
    }

    private static ProtectionDomain from(URL location) {
        return new ProtectionDomain(new CodeSource(location, (Certificate[]) null), null);
    }

    @Test
    void superTypesInTheClassesOwnJarAreReadThereNotThroughTheLoader() throws IOException {
        Map<String, byte[]> lib = new LinkedHashMap<String, byte[]>();
        byte[] proxy = new ByteBuddy().makeInterface(Connection.class).name("org.example.pool.ProxyConnection").make().getBytes();
        byte[] plainBase = new ByteBuddy().makeInterface().name("org.example.pool.Plain").make().getBytes();
        lib.put("org.example.pool.ProxyConnection", proxy);
        lib.put("org.example.pool.Plain", plainBase);
        byte[] pooled = extending("org.example.pool.ProxyConnection", proxy, "org.example.pool.PooledConnection");
        byte[] plain = extending("org.example.pool.Plain", plainBase, "org.example.pool.MorePlain");
        lib.put("org.example.pool.PooledConnection", pooled);
        lib.put("org.example.pool.MorePlain", plain);
        Path libJar = jar("lib.jar", lib);
        URL home = new URL("jar:" + libJar.toUri() + "!/");

        // from the jar: the same verdicts, and the loader is never asked
        try (CountingLoader loader = new CountingLoader(libJar.toUri().toURL())) {
            TypePrefilter filter = prefilter();
            assertTrue(filter.candidate(loader, from(home), pooled), "a Connection two levels up");
            assertFalse(filter.candidate(loader, from(home), plain), "nothing hooked in its hierarchy");
            assertEquals(0, loader.asked.get());
            assertEquals(2, filter.readStats()[1], "both super types read from the jar");
        }
        // without a jar: code source the loader answers, with the same verdicts
        try (CountingLoader loader = new CountingLoader(libJar.toUri().toURL())) {
            TypePrefilter filter = prefilter();
            assertTrue(filter.candidate(loader, null, pooled));
            assertFalse(filter.candidate(loader, null, plain));
            assertEquals(1, loader.asked.get(), "the second super type, of the same package, is read from the jar the first was found in");
            assertEquals(0, filter.readStats()[1]);
            assertEquals(1, filter.readStats()[3], "read from its package's jar");
        }
    }

    @Test
    void aSuperTypeInAnotherJarIsAskedOfTheLoader() throws IOException {
        Map<String, byte[]> lib = new LinkedHashMap<String, byte[]>();
        byte[] proxy = new ByteBuddy().makeInterface(Connection.class).name("org.example.pool.ProxyConnection").make().getBytes();
        lib.put("org.example.pool.ProxyConnection", proxy);
        Path libJar = jar("lib.jar", lib);
        Map<String, byte[]> app = new LinkedHashMap<String, byte[]>();
        byte[] mine = extending("org.example.pool.ProxyConnection", proxy, "org.example.app.MyConnection");
        app.put("org.example.app.MyConnection", mine);
        Path appJar = jar("app.jar", app);
        try (CountingLoader loader = new CountingLoader(appJar.toUri().toURL(), libJar.toUri().toURL())) {
            TypePrefilter filter = prefilter();
            assertTrue(filter.candidate(loader, from(new URL("jar:" + appJar.toUri() + "!/")), mine));
            assertEquals(1, loader.asked.get(), "not in app.jar: the loader finds it in lib.jar");
        }
        // a super type nobody serves stays undecided, so a candidate
        try (CountingLoader loader = new CountingLoader(appJar.toUri().toURL())) {
            assertTrue(prefilter().candidate(loader, from(new URL("jar:" + appJar.toUri() + "!/")), mine));
        }
    }

    @Test
    void aPackageSplitOverTwoJarsFindsItsOtherTypesThroughTheLoader() throws IOException {
        // org.example.pool.Plain in lib.jar, org.example.pool.ProxyConnection in more.jar: the package's
        // jar learnt from the first read does not have the second, which the loader then finds
        Map<String, byte[]> lib = new LinkedHashMap<String, byte[]>();
        byte[] plainBase = new ByteBuddy().makeInterface().name("org.example.pool.Plain").make().getBytes();
        lib.put("org.example.pool.Plain", plainBase);
        Path libJar = jar("lib.jar", lib);
        Map<String, byte[]> more = new LinkedHashMap<String, byte[]>();
        byte[] proxy = new ByteBuddy().makeInterface(Connection.class).name("org.example.pool.ProxyConnection").make().getBytes();
        more.put("org.example.pool.ProxyConnection", proxy);
        Path moreJar = jar("more.jar", more);
        byte[] plain = extending("org.example.pool.Plain", plainBase, "org.example.app.MorePlain");
        byte[] pooled = extending("org.example.pool.ProxyConnection", proxy, "org.example.app.PooledConnection");
        try (CountingLoader loader = new CountingLoader(libJar.toUri().toURL(), moreJar.toUri().toURL())) {
            TypePrefilter filter = prefilter();
            assertFalse(filter.candidate(loader, null, plain));
            assertTrue(filter.candidate(loader, null, pooled), "a Connection in the package's other jar");
            assertEquals(2, loader.asked.get());
            assertEquals(0, filter.readStats()[3], "not in the package's first jar");
        }
    }

    @Test
    void onlyJarUrlsAreHomes() throws IOException {
        Map<String, byte[]> lib = new LinkedHashMap<String, byte[]>();
        byte[] plainBase = new ByteBuddy().makeInterface().name("org.example.pool.Plain").make().getBytes();
        lib.put("org.example.pool.Plain", plainBase);
        byte[] plain = extending("org.example.pool.Plain", plainBase, "org.example.pool.MorePlain");
        Path libJar = jar("lib.jar", lib);
        try (CountingLoader loader = new CountingLoader(libJar.toUri().toURL())) {
            TypePrefilter filter = prefilter();
            // a file: code source (a jar on the JDK's class path) is asked of the loader as before
            assertFalse(filter.candidate(loader, from(libJar.toUri().toURL()), plain));
            assertEquals(1, loader.asked.get());
        }
    }

    @Test
    void aLoaderThatServesClassFilesAsStreamsOnlyIsStillRead() throws IOException {
        byte[] plainBase = new ByteBuddy().makeInterface().name("org.example.pool.Plain").make().getBytes();
        byte[] plain = extending("org.example.pool.Plain", plainBase, "org.example.pool.MorePlain");
        ClassLoader streams = new ClassLoader(null) {
            @Override
            public URL getResource(String name) {
                return null;
            }

            @Override
            public java.io.InputStream getResourceAsStream(String name) {
                return name.equals("org/example/pool/Plain.class") ? new java.io.ByteArrayInputStream(plainBase) : null;
            }
        };
        // read, so decided: nothing hooked in its hierarchy (an unread super type would be undecided: a candidate)
        assertFalse(prefilter().candidate(streams, null, plain));
    }
}
