package dev.rasp.core.instrumentation.weaving;

import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * An advice method's code as read from its class file (frames expanded), replayed into each
 * method it is inlined into: its locals moved up by a base slot, its labels fresh, its frames
 * prefixed with the instrumented method's locals, its returns handed to the weaver. Line numbers
 * and local variable names are not kept (they would name the advice's source in the application's
 * stack traces).
 */
final class RecordedCode extends MethodVisitor {

    /** One recorded instruction (or label, frame, try-catch block). */
    private interface Event {
        void replay(Replay r);
    }

    /** What the weaver supplies for one replay. */
    interface Returns {
        /** Replaces the advice's {@code xRETURN}: its value (if any) is on the stack. */
        void onReturn(MethodVisitor mv, int opcode);
    }

    /**
     * An advice parameter as the instrumented method holds it: the advice's loads and stores of
     * the parameter become these instructions (an argument's slot, the return value's, a field, a
     * constant...), as ByteBuddy's advice treats its parameters. Nothing of it lives in the
     * advice's own locals.
     */
    interface Virtual {
        /** Pushes the parameter's value, of the parameter's type. */
        void load(MethodVisitor mv);

        /** Pops a value of the parameter's type and writes it where the parameter comes from. */
        void store(MethodVisitor mv);
    }

    /**
     * One replay: fresh labels, where the advice's locals go ({@code base + slot}; its
     * parameters are {@link Virtual}), the frame prefix and the return handler.
     */
    static final class Replay {
        final MethodVisitor mv;
        final int base;
        /** The instrumented method's frame entries for slots {@code [0, base)}; null when no frames are written. */
        final Object[] prefix;
        /** By advice slot: the parameter there, or null for the advice's own locals. */
        final Virtual[] parameters;
        final Returns returns;
        private final Map<Label, Label> labels = new IdentityHashMap<Label, Label>();

        Replay(MethodVisitor mv, int base, Object[] prefix, Virtual[] parameters, Returns returns) {
            this.mv = mv;
            this.base = base;
            this.prefix = prefix;
            this.parameters = parameters;
            this.returns = returns;
        }

        private Virtual parameter(int slot) {
            return slot < parameters.length ? parameters[slot] : null;
        }

        void var(int opcode, int slot) {
            Virtual p = parameter(slot);
            if (p == null) {
                mv.visitVarInsn(opcode, base + slot);
            } else if (opcode >= Opcodes.ISTORE && opcode <= Opcodes.ASTORE) {
                p.store(mv);
            } else {
                p.load(mv);
            }
        }

        void iinc(int slot, int increment) {
            Virtual p = parameter(slot);
            if (p == null) {
                mv.visitIincInsn(base + slot, increment);
            } else {
                p.load(mv);
                mv.visitLdcInsn(increment);
                mv.visitInsn(Opcodes.IADD);
                p.store(mv);
            }
        }

        /**
         * The advice's frame in the instrumented method: the prefix, then each of the advice's own
         * locals at its slot (its parameters' slots stay TOP: they are never written).
         */
        Object[] locals(Object[] adviceLocals) {
            Object[] slots = Frames.toSlots(prefix, base + 2 * adviceLocals.length + 2);
            int slot = 0;
            for (Object type : adviceLocals) {
                int size = type == Opcodes.LONG || type == Opcodes.DOUBLE ? 2 : 1;
                if (parameter(slot) == null) {
                    int at = base + slot;
                    slots[at] = entry(type);
                    if (size == 2) {
                        slots[at + 1] = Opcodes.TOP;
                    }
                }
                slot += size;
            }
            return Frames.fromSlots(slots);
        }

        Label label(Label original) {
            Label l = labels.get(original);
            if (l == null) {
                l = new Label();
                labels.put(original, l);
            }
            return l;
        }

        Label[] labels(Label[] originals) {
            Label[] copy = new Label[originals.length];
            for (int i = 0; i < originals.length; i++) {
                copy[i] = label(originals[i]);
            }
            return copy;
        }

        Object entry(Object type) {
            return type instanceof Label ? label((Label) type) : type;
        }
    }

    private final List<Event> tryCatchBlocks = new ArrayList<Event>();
    private final List<Event> events = new ArrayList<Event>();
    /** The advice slots its code stores to. */
    private final java.util.Set<Integer> stored = new java.util.HashSet<Integer>();
    private boolean hasCode;
    int maxStack;
    int maxLocals;

    RecordedCode() {
        super(AdviceClass.ASM_API);
    }

    boolean hasCode() {
        return hasCode;
    }

    boolean storesTo(int slot) {
        return stored.contains(slot);
    }

    /**
     * The advice's own exception table entries: before any handler the weaver adds around the
     * advice, so that the advice's handlers, the inner ones, come first.
     */
    void replayTryCatchBlocks(Replay r) {
        for (Event e : tryCatchBlocks) {
            e.replay(r);
        }
    }

    /** The instructions, after {@link #replayTryCatchBlocks} with the same replay. */
    void replayCode(Replay r) {
        for (Event e : events) {
            e.replay(r);
        }
    }

    @Override
    public void visitCode() {
        hasCode = true;
    }

    @Override
    public void visitFrame(final int type, final int numLocal, final Object[] local, final int numStack, final Object[] stack) {
        if (type != Opcodes.F_NEW) {
            throw new AdviceException("advice frames are read expanded");
        }
        final Object[] locals = Arrays.copyOf(local, numLocal);
        final Object[] stackCopy = Arrays.copyOf(stack, numStack);
        events.add(r -> {
            if (r.prefix == null) {
                return;
            }
            Object[] all = r.locals(locals);
            Object[] st = new Object[stackCopy.length];
            for (int i = 0; i < st.length; i++) {
                st[i] = r.entry(stackCopy[i]);
            }
            r.mv.visitFrame(Opcodes.F_NEW, all.length, all, st.length, st);
        });
    }

    @Override
    public void visitInsn(final int opcode) {
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            events.add(r -> r.returns.onReturn(r.mv, opcode));
        } else {
            events.add(r -> r.mv.visitInsn(opcode));
        }
    }

    @Override
    public void visitIntInsn(final int opcode, final int operand) {
        events.add(r -> r.mv.visitIntInsn(opcode, operand));
    }

    @Override
    public void visitVarInsn(final int opcode, final int var) {
        if (opcode == Opcodes.RET) {
            throw new AdviceException("advice with subroutines (JSR/RET) is not supported");
        }
        if (opcode >= Opcodes.ISTORE && opcode <= Opcodes.ASTORE) {
            stored.add(var);
        }
        events.add(r -> r.var(opcode, var));
    }

    @Override
    public void visitTypeInsn(final int opcode, final String type) {
        events.add(r -> r.mv.visitTypeInsn(opcode, type));
    }

    @Override
    public void visitFieldInsn(final int opcode, final String owner, final String name, final String descriptor) {
        events.add(r -> r.mv.visitFieldInsn(opcode, owner, name, descriptor));
    }

    @Override
    public void visitMethodInsn(final int opcode, final String owner, final String name, final String descriptor,
                                final boolean isInterface) {
        events.add(r -> r.mv.visitMethodInsn(opcode, owner, name, descriptor, isInterface));
    }

    @Override
    public void visitInvokeDynamicInsn(final String name, final String descriptor, final Handle bsm, final Object... args) {
        events.add(r -> r.mv.visitInvokeDynamicInsn(name, descriptor, bsm, args));
    }

    @Override
    public void visitJumpInsn(final int opcode, final Label label) {
        if (opcode == Opcodes.JSR) {
            throw new AdviceException("advice with subroutines (JSR/RET) is not supported");
        }
        events.add(r -> r.mv.visitJumpInsn(opcode, r.label(label)));
    }

    @Override
    public void visitLabel(final Label label) {
        events.add(r -> r.mv.visitLabel(r.label(label)));
    }

    @Override
    public void visitLdcInsn(final Object value) {
        events.add(r -> r.mv.visitLdcInsn(value));
    }

    @Override
    public void visitIincInsn(final int var, final int increment) {
        stored.add(var);
        events.add(r -> r.iinc(var, increment));
    }

    @Override
    public void visitTableSwitchInsn(final int min, final int max, final Label dflt, final Label... labels) {
        events.add(r -> r.mv.visitTableSwitchInsn(min, max, r.label(dflt), r.labels(labels)));
    }

    @Override
    public void visitLookupSwitchInsn(final Label dflt, final int[] keys, final Label[] labels) {
        events.add(r -> r.mv.visitLookupSwitchInsn(r.label(dflt), keys, r.labels(labels)));
    }

    @Override
    public void visitMultiANewArrayInsn(final String descriptor, final int numDimensions) {
        events.add(r -> r.mv.visitMultiANewArrayInsn(descriptor, numDimensions));
    }

    @Override
    public void visitTryCatchBlock(final Label start, final Label end, final Label handler, final String type) {
        tryCatchBlocks.add(r -> r.mv.visitTryCatchBlock(r.label(start), r.label(end), r.label(handler), type));
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        this.maxStack = maxStack;
        this.maxLocals = maxLocals;
    }
}
