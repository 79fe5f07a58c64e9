package dev.rasp.core.instrumentation;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;

/**
 * What the pre-filter reads of a class file being loaded, in one pass over its constant pool: the
 * class's name, super class and interfaces, whether a UTF-8 constant is one of the keys'
 * ({@link TypeKeys#constant}), and the names of the methods it declares. The JVM hands every class
 * to the pre-filter (some 12,000 at a Spring Boot start) and most are let go on these facts alone,
 * so this is the agent's hottest start-up code: no ASM {@code ClassReader} (whose constructor
 * allocates a string cache per class and handles every constant kind's later use), no string made
 * but the names asked for, and a small loop for the JIT to compile.
 *
 * <p>The format is the JVM specification's (§4.1, §4.4). Nothing is trusted: a constant pool or
 * member table that runs past the bytes, an unknown constant tag or an index to the wrong kind of
 * constant throws {@link IllegalArgumentException} or an index exception, which the pre-filter
 * takes as "undecided" (the class goes on to the weaver, which reads it with ASM).
 */
final class ClassFileScan {

    private static final int UTF8 = 1;
    private static final int CLASS = 7;

    private final byte[] b;
    /** The offset of each constant's tag by index (0 for index 0 and the second slot of a long or double). */
    private final int[] offsets;
    /** The offset of the class's access flags, just past the constant pool. */
    private final int header;
    private final boolean keyConstant;

    private static final byte[][][] NO_CONSTANTS = new byte[0][][];

    /**
     * Texts (modified UTF-8) indexed by their byte length, as this scan looks them up: the key
     * constants, the method names to look for. Empty for none.
     */
    static byte[][][] byLength(Collection<byte[]> texts) {
        int max = -1;
        for (byte[] t : texts) {
            max = Math.max(max, t.length);
        }
        byte[][][] table = new byte[max + 1][][];
        for (byte[] t : texts) {
            byte[][] same = table[t.length];
            same = same == null ? new byte[1][] : Arrays.copyOf(same, same.length + 1);
            same[same.length - 1] = t;
            table[t.length] = same;
        }
        return table;
    }

    /** A class file's names only (a super type's, read to walk a hierarchy): no key constants looked for. */
    static ClassFileScan of(byte[] classFile) {
        return new ClassFileScan(classFile, NO_CONSTANTS);
    }

    /** @param constants the key constants ({@link #byLength}) */
    ClassFileScan(byte[] classFile, byte[][][] constants) {
        this.b = classFile;
        int count = u2(8);
        int[] at = new int[count];
        boolean found = false;
        int offset = 10;
        for (int i = 1; i < count; i++) {
            at[i] = offset;
            int tag = b[offset];
            switch (tag) {
                case UTF8:
                    int length = u2(offset + 1);
                    if (!found && length < constants.length && constants[length] != null) {
                        found = isOneOf(offset + 3, constants[length]);
                    }
                    offset += 3 + length;
                    break;
                case CLASS: // and the other one-index constants
                case 8: // String
                case 16: // MethodType
                case 19: // Module
                case 20: // Package
                    offset += 3;
                    break;
                case 15: // MethodHandle
                    offset += 4;
                    break;
                case 3: // Integer
                case 4: // Float
                case 9: // Fieldref
                case 10: // Methodref
                case 11: // InterfaceMethodref
                case 12: // NameAndType
                case 17: // Dynamic
                case 18: // InvokeDynamic
                    offset += 5;
                    break;
                case 5: // Long
                case 6: // Double
                    offset += 9;
                    i++; // takes two slots
                    break;
                default:
                    throw new IllegalArgumentException("constant pool tag " + tag + " at " + offset);
            }
        }
        if (offset + 8 > b.length) {
            throw new IllegalArgumentException("class file ends in its constant pool");
        }
        this.offsets = at;
        this.header = offset;
        this.keyConstant = found;
    }

    /** The class's internal name ({@code a/b/C}). */
    String className() {
        return classAt(u2(header + 2));
    }

    /** The super class's internal name; null for {@code java/lang/Object} (and module-info). */
    String superName() {
        int index = u2(header + 4);
        return index == 0 ? null : classAt(index);
    }

    /** The interfaces' internal names, as declared. */
    String[] interfaces() {
        int count = u2(header + 6);
        String[] names = new String[count];
        for (int i = 0; i < count; i++) {
            names[i] = classAt(u2(header + 8 + 2 * i));
        }
        return names;
    }

    /** Whether a UTF-8 constant is one of the key constants. */
    boolean hasKeyConstant() {
        return keyConstant;
    }

    /** Whether the class declares a method (or constructor) whose name is one of these ({@link #byLength}). */
    boolean declaresMethodOf(byte[][][] namesByLength) {
        int at = header + 6;
        at += 2 + 2 * u2(at); // interfaces
        at = skipMembers(at); // fields
        int methods = u2(at);
        at += 2;
        for (int i = 0; i < methods; i++) {
            int name = utf8(u2(at + 2));
            int length = u2(name + 1);
            if (length < namesByLength.length && namesByLength[length] != null
                    && isOneOf(name + 3, namesByLength[length])) {
                return true;
            }
            at = skipAttributes(at + 6);
        }
        return false;
    }

    /** Past a fields or methods table starting at its count. */
    private int skipMembers(int at) {
        int count = u2(at);
        at += 2;
        for (int i = 0; i < count; i++) {
            at = skipAttributes(at + 6); // access, name, descriptor
        }
        return at;
    }

    /** Past an attributes table starting at its count. */
    private int skipAttributes(int at) {
        int count = u2(at);
        at += 2;
        for (int i = 0; i < count; i++) {
            long length = ((long) u2(at + 2) << 16) | u2(at + 4);
            if (at + 6 + length > b.length) {
                throw new IllegalArgumentException("attribute past the end of the class file at " + at);
            }
            at += 6 + (int) length;
        }
        return at;
    }

    /** The name a CONSTANT_Class entry names. */
    private String classAt(int index) {
        int at = offsets[index];
        if (at == 0 || b[at] != CLASS) {
            throw new IllegalArgumentException("constant " + index + " is not a class");
        }
        int name = utf8(u2(at + 1));
        return string(name + 3, u2(name + 1));
    }

    /** The offset of the tag of the CONSTANT_Utf8 entry at this index. */
    private int utf8(int index) {
        int at = offsets[index];
        if (at == 0 || b[at] != UTF8) {
            throw new IllegalArgumentException("constant " + index + " is not UTF-8");
        }
        return at;
    }

    /** Whether the bytes at {@code at} are one of these texts, all of one length. */
    private boolean isOneOf(int at, byte[][] sameLength) {
        for (byte[] candidate : sameLength) {
            if (equalAt(at, candidate)) {
                return true;
            }
        }
        return false;
    }

    private boolean equalAt(int at, byte[] text) {
        for (int i = 0; i < text.length; i++) {
            if (b[at + i] != text[i]) {
                return false;
            }
        }
        return true;
    }

    /** Modified UTF-8 (JVMS §4.4.7) to a string, as ASM's {@code ClassReader.readUTF8} decodes it. */
    private String string(int at, int length) {
        int end = at + length;
        for (int i = at; i < end; i++) {
            if (b[i] < 0) {
                return decode(at, end);
            }
        }
        return new String(b, at, length, StandardCharsets.ISO_8859_1); // ASCII: the usual case
    }

    private String decode(int at, int end) {
        char[] chars = new char[end - at];
        int n = 0;
        while (at < end) {
            int c = b[at++];
            if ((c & 0x80) == 0) {
                chars[n++] = (char) (c & 0x7F);
            } else if ((c & 0xE0) == 0xC0) {
                chars[n++] = (char) (((c & 0x1F) << 6) + (b[at++] & 0x3F));
            } else {
                chars[n++] = (char) (((c & 0xF) << 12) + ((b[at++] & 0x3F) << 6) + (b[at++] & 0x3F));
            }
        }
        return new String(chars, 0, n);
    }

    private int u2(int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }
}
