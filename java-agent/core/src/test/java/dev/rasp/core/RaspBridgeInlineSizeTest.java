package dev.rasp.core;

import dev.rasp.bootstrap.RaspBridge;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bridge entry points that sink and hand-off advice inlines into JDK and driver methods must
 * stay under HotSpot's MaxInlineSize (35 bytes of bytecode): then their no-request path (one
 * ThreadLocal read and a branch) is inlined at every call site, by C1 and at call sites C2 does not
 * count as hot, instead of costing a call there.
 */
class RaspBridgeInlineSizeTest {

    private static final int MAX_INLINE_SIZE = 35;

    private static final String[] ENTRY_POINTS = {
        "onSql", "onQuery", "onPath", "onPathOpen", "onPathPair", "onConnection", "onClassDescriptor",
        "handOffRunnable", "handOffCallable", "handOffExit", "timerSchedule", "timerScheduleExit",
        "inPlaceRunEnter", "inPlaceRunExit",
    };

    @Test
    void sinkAndHandOffEntryPointsStayUnderMaxInlineSize() throws IOException {
        Map<String, Integer> sizes;
        try (InputStream in = RaspBridge.class.getResourceAsStream("RaspBridge.class")) {
            sizes = publicCodeLengths(new DataInputStream(in));
        }
        for (String name : ENTRY_POINTS) {
            Integer size = sizes.get(name);
            assertTrue(size != null, name + " is not a public method of RaspBridge");
            assertTrue(size <= MAX_INLINE_SIZE, name + " is " + size + " bytes of bytecode, over MaxInlineSize "
                    + MAX_INLINE_SIZE + ": move what follows the ThreadLocal read into a private method");
        }
    }

    /** Code length of each public method, by name (the largest overload), read from the class file. */
    private static Map<String, Integer> publicCodeLengths(DataInputStream in) throws IOException {
        in.readInt(); // magic
        in.readUnsignedShort(); // minor
        in.readUnsignedShort(); // major
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1:
                    utf8[i] = in.readUTF();
                    break;
                case 5: // long
                case 6: // double: two slots
                    in.skipBytes(8);
                    i++;
                    break;
                case 7: case 8: case 16: case 19: case 20:
                    in.skipBytes(2);
                    break;
                case 15:
                    in.skipBytes(3);
                    break;
                case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                    in.skipBytes(4);
                    break;
                default:
                    throw new IOException("constant pool tag " + tag);
            }
        }
        in.skipBytes(6); // access, this, super
        in.skipBytes(2 * in.readUnsignedShort()); // interfaces
        for (int f = in.readUnsignedShort(); f > 0; f--) {
            in.skipBytes(6);
            skipAttributes(in);
        }
        Map<String, Integer> sizes = new HashMap<String, Integer>();
        for (int m = in.readUnsignedShort(); m > 0; m--) {
            int access = in.readUnsignedShort();
            String name = utf8[in.readUnsignedShort()];
            in.readUnsignedShort(); // descriptor
            for (int a = in.readUnsignedShort(); a > 0; a--) {
                String attribute = utf8[in.readUnsignedShort()];
                int length = in.readInt();
                if ("Code".equals(attribute) && (access & 0x0001) != 0) {
                    in.skipBytes(4); // max_stack, max_locals
                    int code = in.readInt();
                    Integer seen = sizes.get(name);
                    sizes.put(name, seen == null ? code : Math.max(seen, code));
                    in.skipBytes(length - 8);
                } else {
                    in.skipBytes(length);
                }
            }
        }
        return sizes;
    }

    private static void skipAttributes(DataInputStream in) throws IOException {
        for (int a = in.readUnsignedShort(); a > 0; a--) {
            in.skipBytes(2);
            in.skipBytes(in.readInt());
        }
    }
}
