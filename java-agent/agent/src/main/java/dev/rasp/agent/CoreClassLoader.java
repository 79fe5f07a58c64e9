package dev.rasp.agent;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLConnection;
import java.net.URLStreamHandler;
import java.security.CodeSource;
import java.security.SecureClassLoader;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * Loads the core straight from rasp.jar's entries, so that nothing is extracted to disk at start.
 *
 * <p>The build packs the core's files under {@code inst/core/} and the bridge's under
 * {@code inst/bootstrap/}, each class file renamed {@code .classdata}: rasp.jar is on the
 * application's class path under -javaagent, and with that suffix and prefix its loader can find
 * neither a core class nor a core resource under the name the core uses. This loader maps the names
 * back: class {@code a.B} is {@code inst/core/a/B.classdata}, resource {@code a/B.class} the same
 * entry, resource {@code a/x.properties} is {@code inst/core/a/x.properties}.
 *
 * <p>Classes come from {@code inst/core/} only. The bridge's entries are resources only, for the
 * core's class file readers, which read a bridge type's class file through this loader as any
 * other (ByteBuddy did so when it inlined advice naming it): the core defines the bridge in the boot loader (BootstrapClasses), and a bridge class
 * reaching this loader would be a second copy.
 *
 * <p>Resource URLs are ordinary {@code jar:file:.../rasp.jar!/inst/core/...} URLs (their text can be
 * opened anywhere), read here through this loader's own open rasp.jar instead of the JDK's jar URL
 * cache. Parent first, as any loader; parallel-capable. Java 8 bytecode, like the launcher.
 */
final class CoreClassLoader extends SecureClassLoader {

    static final String CORE_PREFIX = "inst/core/";
    static final String BOOTSTRAP_PREFIX = "inst/bootstrap/";
    static final String CLASS_SUFFIX = ".classdata";
    /** The agent's packages: no JDK module defines them ({@link #getResourceAsStream}). */
    private static final String OWN_CLASS_FILES = "dev/rasp/";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final CodeSource codeSource;
    /** "jar:file:/.../rasp.jar!/": the start of every resource URL. */
    private final String urlBase;
    private final EntryHandler handler;

    /**
     * @param agentJar rasp.jar; kept open for the JVM's life (the application's class path has it
     *                 open too, and the JDK shares one reading of its directory between the two)
     * @param parent   the platform loader (Java 9+), or null for the boot loader (Java 8)
     */
    CoreClassLoader(File agentJar, ClassLoader parent) throws IOException {
        super(parent);
        this.jar = new JarFile(agentJar, false);
        URL location = agentJar.toURI().toURL();
        this.codeSource = new CodeSource(location, (Certificate[]) null);
        this.urlBase = "jar:" + location.toExternalForm() + "!/";
        this.handler = new EntryHandler(jar);
    }

    /** For tests: the agent's loader keeps rasp.jar open for the JVM's life. */
    void close() throws IOException {
        jar.close();
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String path = name.replace('.', '/');
        JarEntry entry = jar.getJarEntry(CORE_PREFIX + path + CLASS_SUFFIX);
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try {
            bytes = read(jar, entry);
        } catch (IOException e) {
            throw new ClassNotFoundException(name + " (reading " + entry.getName() + ": " + e + ")", e);
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            definePackageOnce(name.substring(0, dot));
        }
        // Called under this class name's lock (ClassLoader.loadClass), so defined once.
        return defineClass(name, bytes, 0, bytes.length, codeSource);
    }

    @SuppressWarnings("deprecation") // getPackage: getDefinedPackage is Java 9+
    private void definePackageOnce(String pkg) {
        if (getPackage(pkg) != null) {
            return;
        }
        try {
            definePackage(pkg, null, null, null, null, null, null, null);
        } catch (IllegalArgumentException definedMeanwhile) {
            // another thread, loading another class of the package, defined it first: the same
            // package with the same (empty) attributes
        }
    }

    @Override
    protected URL findResource(String name) {
        String entry = entryName(name);
        return entry == null ? null : url(entry);
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        if (url == null) {
            return Collections.emptyEnumeration();
        }
        List<URL> one = new ArrayList<URL>(1);
        one.add(url);
        return Collections.enumeration(one);
    }

    /**
     * The agent's own class files (the ~100 advice classes the weaver reads at start, the bridge's)
     * straight from rasp.jar. Parent first, the platform loader would search every module of the
     * JDK's image for each name (a package no module has goes to its "misc" resource lookup), about
     * a third of the advice reader's time at start. No JDK module holds a {@code dev/rasp/} class
     * file, so the answer is the same; every other name goes parent first as before.
     */
    @Override
    public InputStream getResourceAsStream(String name) {
        if (name != null && name.startsWith(OWN_CLASS_FILES) && name.endsWith(".class")) {
            String entry = entryName(name);
            if (entry != null) {
                try {
                    return jar.getInputStream(jar.getJarEntry(entry));
                } catch (IOException e) {
                    return null; // as the JDK's getResourceAsStream answers an unreadable resource
                }
            }
        }
        return super.getResourceAsStream(name);
    }

    /** The entry of rasp.jar holding resource {@code name} for this loader, or null. */
    String entryName(String name) {
        if (name == null || name.isEmpty() || name.startsWith("/")) {
            return null;
        }
        String stored = name.endsWith(".class")
                ? name.substring(0, name.length() - ".class".length()) + CLASS_SUFFIX
                : name;
        if (jar.getJarEntry(CORE_PREFIX + stored) != null) {
            return CORE_PREFIX + stored;
        }
        if (jar.getJarEntry(BOOTSTRAP_PREFIX + stored) != null) {
            return BOOTSTRAP_PREFIX + stored;
        }
        return null;
    }

    private URL url(String entry) {
        try {
            return new URL(null, urlBase + entry, handler);
        } catch (MalformedURLException e) {
            return null; // cannot happen for a name found in the jar's directory
        }
    }

    static byte[] read(JarFile jar, JarEntry entry) throws IOException {
        InputStream in = jar.getInputStream(entry);
        try {
            long size = entry.getSize();
            byte[] bytes = new byte[size >= 0 && size < Integer.MAX_VALUE ? (int) size : 8192];
            int filled = 0;
            for (int n; (n = in.read(bytes, filled, bytes.length - filled)) > 0; ) {
                filled += n;
                if (filled == bytes.length && size < 0) {
                    byte[] larger = new byte[bytes.length * 2];
                    System.arraycopy(bytes, 0, larger, 0, filled);
                    bytes = larger;
                }
            }
            if (filled == bytes.length) {
                return bytes;
            }
            byte[] exact = new byte[filled];
            System.arraycopy(bytes, 0, exact, 0, filled);
            return exact;
        } finally {
            in.close();
        }
    }

    /**
     * Opens this loader's resource URLs from its own open rasp.jar. URLs of any other jar (the
     * same text typed elsewhere gets the JDK's handler, not this one) are not this handler's.
     */
    private static final class EntryHandler extends URLStreamHandler {

        private final JarFile jar;

        EntryHandler(JarFile jar) {
            this.jar = jar;
        }

        @Override
        protected URLConnection openConnection(URL url) throws IOException {
            String spec = url.getFile();
            int separator = spec.indexOf("!/");
            JarEntry entry = separator < 0 ? null : jar.getJarEntry(spec.substring(separator + 2));
            if (entry == null) {
                throw new IOException(url + " is not an entry of " + jar.getName());
            }
            return new EntryConnection(url, jar, entry);
        }
    }

    /** One entry of the open rasp.jar as a URL connection: a stream and a length, nothing else. */
    private static final class EntryConnection extends URLConnection {

        private final JarFile jar;
        private final JarEntry entry;

        EntryConnection(URL url, JarFile jar, JarEntry entry) {
            super(url);
            this.jar = jar;
            this.entry = entry;
        }

        @Override
        public void connect() {
            connected = true;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            connect();
            return jar.getInputStream(entry);
        }

        @Override
        public long getContentLengthLong() {
            return entry.getSize();
        }

        @Override
        public int getContentLength() {
            long size = entry.getSize();
            return size > Integer.MAX_VALUE ? -1 : (int) size;
        }
    }
}
