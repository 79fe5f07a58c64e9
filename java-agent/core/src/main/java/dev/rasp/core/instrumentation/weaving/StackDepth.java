package dev.rasp.core.instrumentation.weaving;

import org.objectweb.asm.Label;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The operand stack's depth, in slots, along a method's code as it streams through: from each
 * (expanded) frame, each instruction's effect, the depth recorded at each jump for its target and
 * 1 at an exception handler. Unknown (-1) after an unconditional jump until a frame or a label
 * whose depth is known. The weaver asks it at each return: a return with values below the returned
 * one (legal, never emitted by javac, kotlinc or scalac) cannot jump to the exit advice as it is.
 */
final class StackDepth {

    private int depth;
    private final Map<Label, Integer> atLabel = new IdentityHashMap<Label, Integer>();

    /** The depth now, or -1 when it is not known here. */
    int get() {
        return depth;
    }

    void frame(int numStack, Object[] stack) {
        int d = 0;
        for (int i = 0; i < numStack; i++) {
            d += stack[i] == Opcodes.LONG || stack[i] == Opcodes.DOUBLE ? 2 : 1;
        }
        depth = d;
    }

    void handler(Label handler) {
        atLabel.put(handler, 1);
    }

    void label(Label label) {
        Integer known = atLabel.get(label);
        if (depth < 0 && known != null) {
            depth = known;
        }
    }

    private void add(int delta) {
        if (depth >= 0) {
            depth += delta;
        }
    }

    private void unknown() {
        depth = -1;
    }

    void insn(int opcode) {
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN || opcode == Opcodes.ATHROW) {
            unknown();
            return;
        }
        add(INSN[opcode]);
    }

    void intInsn(int opcode) {
        add(opcode == Opcodes.NEWARRAY ? 0 : 1); // BIPUSH, SIPUSH push one
    }

    void varInsn(int opcode) {
        switch (opcode) {
            case Opcodes.LLOAD:
            case Opcodes.DLOAD:
                add(2);
                break;
            case Opcodes.LSTORE:
            case Opcodes.DSTORE:
                add(-2);
                break;
            case Opcodes.ISTORE:
            case Opcodes.FSTORE:
            case Opcodes.ASTORE:
                add(-1);
                break;
            case Opcodes.RET:
                unknown();
                break;
            default:
                add(1); // ILOAD, FLOAD, ALOAD
        }
    }

    void typeInsn(int opcode) {
        add(opcode == Opcodes.NEW ? 1 : 0); // ANEWARRAY, CHECKCAST, INSTANCEOF replace the top
    }

    void fieldInsn(int opcode, String descriptor) {
        int size = Type.getType(descriptor).getSize();
        switch (opcode) {
            case Opcodes.GETSTATIC:
                add(size);
                break;
            case Opcodes.PUTSTATIC:
                add(-size);
                break;
            case Opcodes.GETFIELD:
                add(size - 1);
                break;
            default:
                add(-size - 1); // PUTFIELD
        }
    }

    void methodInsn(int opcode, String descriptor) {
        int sizes = Type.getArgumentsAndReturnSizes(descriptor);
        // argument sizes include the receiver's slot; a static or dynamic call has none
        int arguments = (sizes >> 2) - (opcode == Opcodes.INVOKESTATIC || opcode == Opcodes.INVOKEDYNAMIC ? 1 : 0);
        add((sizes & 3) - arguments);
    }

    void invokeDynamic(String descriptor) {
        methodInsn(Opcodes.INVOKEDYNAMIC, descriptor);
    }

    void jump(int opcode, Label target) {
        switch (opcode) {
            case Opcodes.GOTO:
                record(target);
                unknown();
                return;
            case Opcodes.JSR:
                add(1);
                record(target);
                add(-1);
                return;
            case Opcodes.IF_ICMPEQ:
            case Opcodes.IF_ICMPNE:
            case Opcodes.IF_ICMPLT:
            case Opcodes.IF_ICMPGE:
            case Opcodes.IF_ICMPGT:
            case Opcodes.IF_ICMPLE:
            case Opcodes.IF_ACMPEQ:
            case Opcodes.IF_ACMPNE:
                add(-2);
                break;
            default:
                add(-1); // IFEQ..IFLE, IFNULL, IFNONNULL
        }
        record(target);
    }

    void ldc(Object value) {
        add(value instanceof Long || value instanceof Double ? 2 : 1);
    }

    void switchInsn(Label dflt, Label[] labels) {
        add(-1);
        record(dflt);
        for (Label l : labels) {
            record(l);
        }
        unknown();
    }

    void multiANewArray(int dimensions) {
        add(1 - dimensions);
    }

    private void record(Label target) {
        if (depth >= 0 && !atLabel.containsKey(target)) {
            atLabel.put(target, depth);
        }
    }

    /** Slot effect of each zero-operand instruction (opcodes 0 to 201; those with operands are 0 here). */
    private static final int[] INSN = new int[202];

    static {
        set(1, 8, 1);          // ACONST_NULL, ICONST_M1..ICONST_5
        set(9, 10, 2);         // LCONST
        set(11, 13, 1);        // FCONST
        set(14, 15, 2);        // DCONST
        set(46, 46, -1);       // IALOAD
        set(47, 47, 0);        // LALOAD
        set(48, 48, -1);       // FALOAD
        set(49, 49, 0);        // DALOAD
        set(50, 53, -1);       // AALOAD, BALOAD, CALOAD, SALOAD
        set(79, 79, -3);       // IASTORE
        set(80, 80, -4);       // LASTORE
        set(81, 81, -3);       // FASTORE
        set(82, 82, -4);       // DASTORE
        set(83, 86, -3);       // AASTORE, BASTORE, CASTORE, SASTORE
        set(87, 87, -1);       // POP
        set(88, 88, -2);       // POP2
        set(89, 91, 1);        // DUP, DUP_X1, DUP_X2
        set(92, 94, 2);        // DUP2, DUP2_X1, DUP2_X2
        for (int op = 96; op <= 115; op++) {
            // IADD LADD FADD DADD, SUB, MUL, DIV, REM: int and float -1, long and double -2
            INSN[op] = (op - 96) % 2 == 0 ? -1 : -2;
        }
        set(120, 125, -1);     // shifts: the shift count is an int
        set(126, 126, -1);     // IAND
        set(127, 127, -2);     // LAND
        set(128, 128, -1);     // IOR
        set(129, 129, -2);     // LOR
        set(130, 130, -1);     // IXOR
        set(131, 131, -2);     // LXOR
        set(133, 133, 1);      // I2L
        set(135, 135, 1);      // I2D
        set(136, 137, -1);     // L2I, L2F
        set(140, 141, 1);      // F2L, F2D
        set(142, 142, -1);     // D2I
        set(144, 144, -1);     // D2F
        set(148, 148, -3);     // LCMP
        set(149, 150, -1);     // FCMPL, FCMPG
        set(151, 152, -3);     // DCMPL, DCMPG
        set(194, 195, -1);     // MONITORENTER, MONITOREXIT
    }

    private static void set(int from, int to, int delta) {
        for (int op = from; op <= to; op++) {
            INSN[op] = delta;
        }
    }
}
