package dev.rasp.core.instrumentation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The JDK's class files read from its image are the bytes its class loaders serve. */
class JdkImageTest {

    /** Classes of several modules and both JDK loaders, nested ones among them. */
    private static final String[] CLASSES = {"java.lang.Object", "java.util.concurrent.ThreadPoolExecutor",
            "java.util.concurrent.ConcurrentHashMap$Node", "java.io.FileInputStream", "java.sql.Statement",
            "java.sql.SQLSyntaxErrorException", "javax.xml.stream.XMLInputFactory", "javax.naming.InitialContext",
            "java.beans.PropertyEditorSupport", "javax.management.StandardMBean", "java.lang.ProcessImpl",
            "sun.util.resources.LocaleData$CommonResourceBundleProvider"};

    private static byte[] fromLoaders(String name) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(name.replace('.', '/') + ".class")) {
            assertNotNull(in, name);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static JdkImage image() {
        JdkImage image = JdkImage.ofRunningJdk();
        assumeTrue(image != null || !System.getProperty("java.specification.version").matches("\\d\\d+"),
                "a JDK 9+ runtime image");
        assertNotNull(image, "the running JDK's image is readable");
        return image;
    }

    @Test
    void theImageServesTheBytesTheClassLoadersServe() throws Exception {
        JdkImage image = image();
        for (String name : CLASSES) {
            byte[] b = image.classFile(name);
            assertNotNull(b, name);
            assertArrayEquals(fromLoaders(name), b, name);
        }
    }

    @Test
    void whatTheImageDoesNotHoldIsNotThere() {
        JdkImage image = image();
        assertNull(image.classFile("java.util.concurrent.NoSuchExecutor"), "a missing JDK class");
        assertNull(image.classFile("org.example.app.Pool"), "not a JDK package");
        assertNull(image.classFile("java.sql", "java/lang/Object"), "the wrong module: the name does not check");
        assertNull(image.classFile("java.base", "java/lang/Object$"));
    }

    @Test
    void whatIsNotAnImageOfThisVersionIsNotRead(@TempDir File dir) throws Exception {
        assertNull(JdkImage.open(new File(dir, "missing")));
        File text = new File(dir, "modules");
        Files.write(text.toPath(), "not an image at all, just text".getBytes("UTF-8"));
        assertNull(JdkImage.open(text));
        File empty = new File(dir, "empty");
        Files.write(empty.toPath(), new byte[0]);
        assertNull(JdkImage.open(empty));
        // a header of a later version
        byte[] header = new byte[28];
        java.nio.ByteBuffer.wrap(header).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0xCAFEDADA).putInt(2 << 16).putInt(0)
                .putInt(1).putInt(1).putInt(0).putInt(0);
        File later = new File(dir, "later");
        Files.write(later.toPath(), header);
        assertNull(JdkImage.open(later));
    }

    /**
     * A class loaded on a thread whose interrupt flag is set: the channel such a read closes is opened
     * again, the flag stays the application's, and later reads are served from the image again.
     */
    @Test
    void anInterruptedReaderDoesNotTakeTheImageAwayFromOthers() throws Exception {
        JdkImage image = image();
        Thread.currentThread().interrupt();
        try {
            image.classFile("java.lang.Object"); // served or not: either way the caller falls back correctly
            assertTrue(Thread.currentThread().isInterrupted(), "the application's interrupt is kept");
        } finally {
            Thread.interrupted();
        }
        for (String name : CLASSES) {
            assertArrayEquals(fromLoaders(name), image.classFile(name), name);
        }
    }

    /** The locator the pre-filter uses falls back to the class loaders for what the image does not answer. */
    @Test
    void theJdkLocatorFallsBackToTheLoaders() throws Exception {
        ClassFiles.Source all = JdkImage.classFiles();
        assertArrayEquals(fromLoaders("java.util.AbstractList"), all.classFile("java.util.AbstractList"));
        assertNull(all.classFile("org.example.app.Pool"));
        assertEquals("java.base", JdkTypes.moduleOf("java/util/AbstractList"));
        assertEquals("java.sql", JdkTypes.moduleOf("java/sql/Statement"));
        assertNull(JdkTypes.moduleOf("org/example/app/Pool"));
    }
}
