package dev.rasp.core.instrumentation.weaving;

import org.objectweb.asm.Opcodes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Frame locals as ASM lists them (a long or double is one entry) and as slots (it takes two). */
final class Frames {

    private Frames() {
    }

    /** One entry per slot, the second slot of a long or double TOP; at least {@code minimum} slots, TOP-filled. */
    static Object[] toSlots(Object[] entries, int minimum) {
        List<Object> slots = new ArrayList<Object>(Math.max(minimum, entries.length * 2));
        for (Object e : entries) {
            slots.add(e);
            if (e == Opcodes.LONG || e == Opcodes.DOUBLE) {
                slots.add(Opcodes.TOP);
            }
        }
        while (slots.size() < minimum) {
            slots.add(Opcodes.TOP);
        }
        return slots.toArray();
    }

    /** Back to entries, without trailing TOPs. */
    static Object[] fromSlots(Object[] slots) {
        int end = slots.length;
        while (end > 0 && slots[end - 1] == Opcodes.TOP) {
            end--;
        }
        List<Object> entries = new ArrayList<Object>(end);
        for (int i = 0; i < end; ) {
            Object e = slots[i];
            entries.add(e);
            i += e == Opcodes.LONG || e == Opcodes.DOUBLE ? 2 : 1;
        }
        return entries.toArray();
    }

    static Object[] tops(int n) {
        Object[] tops = new Object[n];
        Arrays.fill(tops, Opcodes.TOP);
        return tops;
    }
}
