package dev.rasp.core.instrumentation;

import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pre-filter's own class file reading against ASM's, on every class of the JDK's image (some
 * 26,000 class files of every constant kind, long and double slots, modified UTF-8 names): the
 * same class name, super class, interfaces, declared method names and key constants; and a class
 * file cut anywhere is refused, never misread.
 */
class ClassFileScanTest {

    private static final byte[][] KEY_TEXTS = {
        "(Ljava/lang/String;)Ljava/sql/ResultSet;".getBytes(StandardCharsets.US_ASCII),
        "Ljava/lang/Deprecated;".getBytes(StandardCharsets.US_ASCII),
    };
    private static final byte[][][] KEYS = ClassFileScan.byLength(Arrays.asList(KEY_TEXTS));

    /** What ASM reads of a class file: name, super, interfaces, method names, whether a key constant is there. */
    private static final class Expected {
        String name;
        String superName;
        String[] interfaces;
        final Set<String> methods = new LinkedHashSet<String>();
        boolean keyConstant;
    }

    private static Expected asm(byte[] classFile) {
        final Expected e = new Expected();
        ClassReader reader = new ClassReader(classFile);
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
                e.name = name;
                e.superName = superName;
                e.interfaces = interfaces == null ? new String[0] : interfaces;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
                e.methods.add(name);
                return null;
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        for (int i = 1; i < reader.getItemCount(); i++) {
            int offset = reader.getItem(i); // just past the entry's tag (1 for CONSTANT_Utf8)
            if (offset > 0 && classFile[offset - 1] == 1) {
                String utf = utf8At(classFile, offset);
                for (byte[] k : KEY_TEXTS) {
                    if (utf.equals(new String(k, StandardCharsets.US_ASCII))) {
                        e.keyConstant = true;
                    }
                }
            }
        }
        return e;
    }

    /** The CONSTANT_Utf8 entry whose length is at this offset, decoded as Java's DataInput does. */
    private static String utf8At(byte[] b, int offset) {
        try {
            return new java.io.DataInputStream(new java.io.ByteArrayInputStream(b, offset, b.length - offset)).readUTF();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Names (ASCII here) as the scan looks them up. */
    private static byte[][][] byLength(String... names) {
        List<byte[]> bytes = new ArrayList<byte[]>();
        for (String n : names) {
            bytes.add(n.getBytes(StandardCharsets.US_ASCII));
        }
        return ClassFileScan.byLength(bytes);
    }

    @Test
    void readsEveryJdkClassAsAsmDoes() throws IOException {
        FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
        List<String> differences = new ArrayList<String>();
        int classes = 0;
        int withKey = 0;
        int nonAscii = 0;
        try (Stream<Path> files = Files.walk(jrt.getPath("/modules"))) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String file = p.getFileName() == null ? "" : p.getFileName().toString();
                if (!file.endsWith(".class") || file.equals("module-info.class")) {
                    continue;
                }
                byte[] classFile = Files.readAllBytes(p);
                Expected e = asm(classFile);
                ClassFileScan scan = new ClassFileScan(classFile, KEYS);
                classes++;
                if (!e.name.equals(scan.className()) || !String.valueOf(e.superName).equals(String.valueOf(scan.superName()))
                        || !Arrays.equals(e.interfaces, scan.interfaces()) || e.keyConstant != scan.hasKeyConstant()) {
                    differences.add(e.name + ": " + scan.className() + " " + scan.superName() + " "
                            + Arrays.toString(scan.interfaces()) + " " + scan.hasKeyConstant());
                    continue;
                }
                withKey += e.keyConstant ? 1 : 0;
                for (char c : e.name.toCharArray()) {
                    if (c > 127) {
                        nonAscii++;
                        break;
                    }
                }
                // each declared name is found, alone and among others; a name it does not declare is not
                for (String m : e.methods) {
                    if (!scan.declaresMethodOf(byLength(m)) || !scan.declaresMethodOf(byLength("zzNotDeclared", m))) {
                        differences.add(e.name + ": declares " + m);
                    }
                }
                if (!e.methods.contains("executeQuery") && scan.declaresMethodOf(byLength("executeQuery"))) {
                    differences.add(e.name + ": does not declare executeQuery");
                }
                if (differences.size() > 20) {
                    break;
                }
            }
        }
        assertEquals(new ArrayList<String>(), differences);
        assertTrue(classes > 20_000, "JDK classes read: " + classes);
        assertTrue(withKey > 10, "classes with a key constant (ResultSet executeQuery(String), @Deprecated): " + withKey);
        assertEquals(0, nonAscii, "the JDK names its classes in ASCII; the modified UTF-8 path is tested below");
    }

    /** Names outside ASCII (two- and three-byte modified UTF-8) come out as ASM decodes them. */
    @Test
    void decodesNamesOutsideAscii() {
        String name = "org/example/Caf\u00e9\u4e2d\u0000Z";
        ClassWriter w = new ClassWriter(0);
        w.visit(Opcodes.V1_8, Opcodes.ACC_PUBLIC, name, null, "org/example/Base\u00e9", new String[] {"org/example/I\u4e2d"});
        MethodVisitor m = w.visitMethod(Opcodes.ACC_PUBLIC, "r\u00e9ad", "()V", null, null);
        m.visitEnd();
        w.visitEnd();
        byte[] classFile = w.toByteArray();
        ClassFileScan scan = new ClassFileScan(classFile, KEYS);
        Expected e = asm(classFile);
        assertEquals(e.name, scan.className());
        assertEquals(name, scan.className());
        assertEquals("org/example/Base\u00e9", scan.superName());
        assertArrayEquals(new String[] {"org/example/I\u4e2d"}, scan.interfaces());
        byte[] reAcuteAd = {'r', (byte) 0xC3, (byte) 0xA9, 'a', 'd'}; // "r\u00e9ad" in modified UTF-8
        assertTrue(scan.declaresMethodOf(ClassFileScan.byLength(Arrays.asList(reAcuteAd))));
        assertFalse(scan.declaresMethodOf(byLength("read", "rad")), "its ASCII look-alikes are other names");
    }

    /** A class file cut short anywhere is refused (the pre-filter then passes the class on), never misread. */
    @Test
    void aClassFileCutShortIsRefused() throws IOException {
        byte[] classFile;
        try (java.io.InputStream in = String.class.getResourceAsStream("String.class")) {
            classFile = ClassFiles.drain(in);
        }
        Expected e = asm(classFile);
        int header = new ClassReader(classFile).header;
        for (int cut = 0; cut < classFile.length; cut += cut < header + 64 ? 1 : 97) {
            byte[] part = Arrays.copyOf(classFile, cut);
            try {
                ClassFileScan scan = new ClassFileScan(part, KEYS);
                // what it answers is what the whole file says, or it refuses
                assertEquals(e.name, scan.className(), "cut at " + cut);
                assertEquals(e.superName, scan.superName(), "cut at " + cut);
                assertArrayEquals(e.interfaces, scan.interfaces(), "cut at " + cut);
                boolean declares = scan.declaresMethodOf(byLength("length"));
                assertTrue(declares, "cut at " + cut + ": String declares length()");
            } catch (IllegalArgumentException | IndexOutOfBoundsException refused) {
                // refused: fine
            }
        }
        byte[] badTag = classFile.clone();
        badTag[10] = 2; // no constant has tag 2
        assertThrows(IllegalArgumentException.class, () -> new ClassFileScan(badTag, KEYS));
    }
}
