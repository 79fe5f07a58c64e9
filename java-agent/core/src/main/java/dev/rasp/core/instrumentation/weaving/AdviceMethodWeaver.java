package dev.rasp.core.instrumentation.weaving;

import dev.rasp.core.instrumentation.weaving.AdviceMethod.Parameter;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.TypePath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Weaves one advice class into one method as the method's code streams through: the enter
 * advice before the first instruction, the exit advice where every return went (and, with
 * {@code onThrowable}, where every exception goes), as ByteBuddy's {@code Advice} does.
 *
 * <p>Locals. The value the enter advice returns for the exit advice, and a copy of each argument
 * the exit advice reads (ByteBuddy's {@code backupArguments}: the exit advice sees the arguments
 * as the method's code began, not as it reassigned them), are kept in the slots right after the
 * arguments, so the method's own locals move up (their instructions and frames are rewritten).
 * The advice's parameters are not locals at all: its loads and stores of a parameter become loads
 * and stores of what it is bound to ({@link RecordedCode.Virtual}), as with ByteBuddy, so a value
 * it writes is written at once. Its own locals go after the kept slots, as do the return value
 * and the exception for the exit advice: the method's locals are dead at both places the advice
 * runs. So the weaver never needs the method's frame sizes ahead of its code, and the frames it
 * writes only name what it keeps.
 *
 * <p>Frames. The method's frames are read expanded; each gets the kept slots' types inserted. The
 * advice's frames get the instrumented method's locals (at that place) prefixed. The weaver's own
 * jump targets get frames of their own. Class files before version 50 get no frames.
 */
final class AdviceMethodWeaver extends MethodVisitor {

    private static final String THROWABLE = "java/lang/Throwable";

    private final TargetMethod target;
    private final AdviceMethod enter;
    private final AdviceMethod exit;
    private final ClassFacts facts;
    private final boolean frames;
    /** The enter advice's value kept for the exit advice, or null. */
    private final Type kept;
    /** By argument index, the slot of its copy for the exit advice, or -1. */
    private final int[] backups;
    /** The slots kept after the arguments: the enter value and the argument copies. */
    private final int shift;
    private final int retSize;
    private final int retSlot;
    private final int thrownSlot;
    private final int exitBase;
    private final Label tryStart = new Label();
    private final Label tryEnd = new Label();
    private final Label handler = new Label();
    private final Label exitLabel = new Label();
    /** The original code's operand stack depth, tracked when exit advice takes its returns. */
    private final StackDepth depth;
    private boolean started;
    private int stackNeeded;
    private int localsNeeded;

    AdviceMethodWeaver(MethodVisitor next, TargetMethod target, AdviceClass advice, ClassFacts facts) {
        super(AdviceClass.ASM_API, next);
        this.target = target;
        this.enter = advice.enter;
        this.exit = advice.exit;
        this.facts = facts;
        this.frames = facts.framesWritten();
        this.kept = advice.keptEnterType();
        this.backups = new int[target.argumentCount()];
        int slot = target.argumentsSize + (kept == null ? 0 : kept.getSize());
        for (int i = 0; i < backups.length; i++) {
            boolean copied = exit != null && exit.backupArguments && exit.readsSlot(target, target.argumentSlot(i));
            backups[i] = copied ? slot : -1;
            slot += copied ? target.argumentType(i).getSize() : 0;
        }
        this.shift = slot - target.argumentsSize;
        this.retSize = target.returnType.getSize(); // 0 for void
        this.retSlot = target.argumentsSize + shift;
        boolean catching = exit != null && exit.onThrowable;
        this.thrownSlot = retSlot + retSize;
        this.exitBase = thrownSlot + (catching ? 1 : 0);
        if (catching && target.isConstructor) {
            throw new AdviceException(advice + ": onThrowable exit advice on a constructor");
        }
        check(enter);
        check(exit);
        this.depth = exit != null ? new StackDepth() : null;
        this.localsNeeded = exitBase;
    }

    private void check(AdviceMethod method) {
        if (method == null) {
            return;
        }
        for (Parameter p : method.parameters) {
            if (p.source == AdviceMethod.Source.ARGUMENT && p.index >= target.argumentCount()) {
                throw new AdviceException(method + ": @Argument(" + p.index + ") of " + target.name + target.descriptor);
            }
            boolean needsThis = p.source == AdviceMethod.Source.THIS
                    || p.source == AdviceMethod.Source.FIELD && !facts.isStaticField(p.text);
            if (needsThis && (target.isStatic || target.isConstructor && method.kind == AdviceMethod.Kind.ENTER)) {
                throw new AdviceException(method + ": no initialised this in " + target.name + target.descriptor);
            }
            if (p.source == AdviceMethod.Source.CUSTOM && p.custom.readsArguments()
                    && method.kind == AdviceMethod.Kind.EXIT && method.backupArguments) {
                throw new AdviceException(method + ": a custom parameter in exit advice that backs up the arguments");
            }
            if (p.source == AdviceMethod.Source.FIELD && facts.fieldDescriptor(p.text) == null) {
                throw new AdviceException(method + ": " + target.owner + " declares no field " + p.text);
            }
        }
    }

    // ---- the method's own code ---------------------------------------------------------------

    @Override
    public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        if (depth != null) {
            depth.handler(handler);
        }
        super.visitTryCatchBlock(start, end, handler, type);
    }

    private void start() {
        if (started) {
            return;
        }
        started = true;
        if (exit != null && exit.onThrowable) {
            super.visitTryCatchBlock(tryStart, tryEnd, handler, THROWABLE);
        }
        if (enter != null) {
            weaveEnter();
        }
        for (int i = 0; i < backups.length; i++) {
            if (backups[i] >= 0) {
                Type t = target.argumentType(i);
                super.visitVarInsn(t.getOpcode(Opcodes.ILOAD), target.argumentSlot(i));
                super.visitVarInsn(t.getOpcode(Opcodes.ISTORE), backups[i]);
            }
        }
        if (exit != null) {
            super.visitLabel(tryStart);
        }
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        start();
        if (depth != null) {
            depth.frame(numStack, stack);
        }
        if (type != Opcodes.F_NEW) {
            throw new AdviceException("frames must be read expanded");
        }
        if (shift == 0) {
            super.visitFrame(type, numLocal, local, numStack, stack);
            return;
        }
        List<Object> locals = new ArrayList<Object>(numLocal + 2);
        int slot = 0;
        int i = 0;
        while (slot < target.argumentsSize) {
            if (i < numLocal) {
                Object e = local[i++];
                locals.add(e);
                slot += e == Opcodes.LONG || e == Opcodes.DOUBLE ? 2 : 1;
            } else {
                locals.add(Opcodes.TOP);
                slot++;
            }
        }
        if (slot != target.argumentsSize) {
            throw new AdviceException(target.name + target.descriptor + ": a two-slot local spans the arguments' end");
        }
        for (Object k : keptLocals()) {
            locals.add(k);
        }
        for (; i < numLocal; i++) {
            locals.add(local[i]);
        }
        super.visitFrame(type, locals.size(), locals.toArray(), numStack, stack);
    }

    @Override
    public void visitInsn(int opcode) {
        start();
        if (exit != null && opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            if (depth.get() >= 0 && depth.get() != retSize) {
                // legal, but never emitted by javac, kotlinc or scalac: left unwoven rather than made invalid
                throw new AdviceException(target.name + target.descriptor + ": values below the returned one on the operand stack");
            }
            depth.insn(opcode);
            if (retSize > 0) {
                super.visitVarInsn(target.returnType.getOpcode(Opcodes.ISTORE), retSlot);
            }
            if (exit.onThrowable) {
                super.visitInsn(Opcodes.ACONST_NULL);
                super.visitVarInsn(Opcodes.ASTORE, thrownSlot);
            }
            super.visitJumpInsn(Opcodes.GOTO, exitLabel);
            return;
        }
        if (depth != null) {
            depth.insn(opcode);
        }
        super.visitInsn(opcode);
    }

    private int local(int var) {
        return var >= target.argumentsSize ? var + shift : var;
    }

    @Override
    public void visitVarInsn(int opcode, int var) {
        start();
        if (depth != null) {
            depth.varInsn(opcode);
        }
        super.visitVarInsn(opcode, local(var));
    }

    @Override
    public void visitIincInsn(int var, int increment) {
        start();
        super.visitIincInsn(local(var), increment);
    }

    @Override
    public void visitLocalVariable(String name, String descriptor, String signature, Label start, Label end, int index) {
        super.visitLocalVariable(name, descriptor, signature, start, end, local(index));
    }

    @Override
    public org.objectweb.asm.AnnotationVisitor visitLocalVariableAnnotation(int typeRef, TypePath typePath, Label[] start,
                                                                               Label[] end, int[] index, String descriptor,
                                                                               boolean visible) {
        int[] moved = new int[index.length];
        for (int i = 0; i < index.length; i++) {
            moved[i] = local(index[i]);
        }
        return super.visitLocalVariableAnnotation(typeRef, typePath, start, end, moved, descriptor, visible);
    }

    @Override
    public void visitIntInsn(int opcode, int operand) {
        start();
        if (depth != null) {
            depth.intInsn(opcode);
        }
        super.visitIntInsn(opcode, operand);
    }

    @Override
    public void visitTypeInsn(int opcode, String type) {
        start();
        if (depth != null) {
            depth.typeInsn(opcode);
        }
        super.visitTypeInsn(opcode, type);
    }

    @Override
    public void visitFieldInsn(int opcode, String owner, String name, String descriptor) {
        start();
        if (depth != null) {
            depth.fieldInsn(opcode, descriptor);
        }
        super.visitFieldInsn(opcode, owner, name, descriptor);
    }

    @Override
    public void visitMethodInsn(int opcode, String owner, String name, String descriptor, boolean isInterface) {
        start();
        if (depth != null) {
            depth.methodInsn(opcode, descriptor);
        }
        super.visitMethodInsn(opcode, owner, name, descriptor, isInterface);
    }

    @Override
    public void visitInvokeDynamicInsn(String name, String descriptor, org.objectweb.asm.Handle bsm, Object... args) {
        start();
        if (depth != null) {
            depth.invokeDynamic(descriptor);
        }
        super.visitInvokeDynamicInsn(name, descriptor, bsm, args);
    }

    @Override
    public void visitJumpInsn(int opcode, Label label) {
        start();
        if (depth != null) {
            depth.jump(opcode, label);
        }
        super.visitJumpInsn(opcode, label);
    }

    @Override
    public void visitLabel(Label label) {
        start();
        if (depth != null) {
            depth.label(label);
        }
        super.visitLabel(label);
    }

    @Override
    public void visitLdcInsn(Object value) {
        start();
        if (depth != null) {
            depth.ldc(value);
        }
        super.visitLdcInsn(value);
    }

    @Override
    public void visitTableSwitchInsn(int min, int max, Label dflt, Label... labels) {
        start();
        if (depth != null) {
            depth.switchInsn(dflt, labels);
        }
        super.visitTableSwitchInsn(min, max, dflt, labels);
    }

    @Override
    public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] labels) {
        start();
        if (depth != null) {
            depth.switchInsn(dflt, labels);
        }
        super.visitLookupSwitchInsn(dflt, keys, labels);
    }

    @Override
    public void visitMultiANewArrayInsn(String descriptor, int numDimensions) {
        start();
        if (depth != null) {
            depth.multiANewArray(numDimensions);
        }
        super.visitMultiANewArrayInsn(descriptor, numDimensions);
    }

    @Override
    public void visitLineNumber(int line, Label start) {
        start();
        super.visitLineNumber(line, start);
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        start();
        if (exit != null) {
            weaveExit();
        }
        super.visitMaxs(Math.max(maxStack, stackNeeded), Math.max(maxLocals + shift, localsNeeded));
    }

    // ---- enter -------------------------------------------------------------------------------

    private void weaveEnter() {
        final int base = target.argumentsSize + shift;
        Object[] during = frames ? concat(initialLocals(), Frames.tops(shift)) : null;
        Object[] after = frames ? concat(initialLocals(), kept == null ? new Object[0] : new Object[]{frameType(kept)}) : null;
        final Label end = new Label();
        final MethodVisitor mv = this.mv;
        RecordedCode.Replay replay = new RecordedCode.Replay(mv, base, during, parameters(enter), (m, opcode) -> {
            if (opcode != Opcodes.RETURN) {
                if (kept != null) {
                    m.visitVarInsn(enter.returnType.getOpcode(Opcodes.ISTORE), target.argumentsSize);
                } else {
                    m.visitInsn(enter.returnType.getSize() == 2 ? Opcodes.POP2 : Opcodes.POP);
                }
            }
            m.visitJumpInsn(Opcodes.GOTO, end);
        });
        inline(enter, replay, base, during, () -> {
            if (kept != null) {
                pushDefault(mv, kept);
                mv.visitVarInsn(kept.getOpcode(Opcodes.ISTORE), target.argumentsSize);
            }
        });
        mv.visitLabel(end);
        frame(mv, after, null);
        // the method's first instruction may have a frame of its own: never two at one offset
        mv.visitInsn(Opcodes.NOP);
    }

    /**
     * The advice's code, inside a catch-all handler when it suppresses its exceptions
     * ({@code onSuppressed} then runs, and the code after the advice).
     */
    private void inline(AdviceMethod method, RecordedCode.Replay replay, int base, Object[] locals, Runnable onSuppressed) {
        MethodVisitor mv = this.mv;
        method.code.replayTryCatchBlocks(replay);
        Label start = new Label();
        Label end = new Label();
        Label suppressed = new Label();
        if (method.suppress) {
            mv.visitTryCatchBlock(start, end, suppressed, THROWABLE);
        }
        mv.visitLabel(start);
        method.code.replayCode(replay);
        mv.visitLabel(end);
        if (method.suppress) {
            mv.visitLabel(suppressed);
            frame(mv, locals, THROWABLE);
            mv.visitInsn(Opcodes.POP);
            onSuppressed.run();
        }
        // an @AllArguments array being filled, with a two-slot value, on top of the advice's own stack
        stackNeeded = Math.max(stackNeeded, method.code.maxStack + 6);
        localsNeeded = Math.max(localsNeeded, base + method.code.maxLocals);
    }

    // ---- exit --------------------------------------------------------------------------------

    private void weaveExit() {
        MethodVisitor mv = this.mv;
        boolean catching = exit.onThrowable;
        Object[] atExit = frames ? exitLocals(true) : null;
        if (catching) {
            mv.visitLabel(tryEnd);
            mv.visitLabel(handler);
            frame(mv, frames ? exitLocals(false) : null, THROWABLE);
            mv.visitVarInsn(Opcodes.ASTORE, thrownSlot);
            if (retSize > 0) {
                pushDefault(mv, target.returnType);
                mv.visitVarInsn(target.returnType.getOpcode(Opcodes.ISTORE), retSlot);
            }
        }
        mv.visitLabel(exitLabel);
        frame(mv, atExit, null);
        final Label end = new Label();
        RecordedCode.Replay replay = new RecordedCode.Replay(mv, exitBase, atExit, parameters(exit),
                (m, opcode) -> m.visitJumpInsn(Opcodes.GOTO, end));
        inline(exit, replay, exitBase, atExit, () -> { });
        mv.visitLabel(end);
        frame(mv, atExit, null);
        if (catching) {
            Label normal = new Label();
            mv.visitVarInsn(Opcodes.ALOAD, thrownSlot);
            mv.visitJumpInsn(Opcodes.IFNULL, normal);
            mv.visitVarInsn(Opcodes.ALOAD, thrownSlot);
            mv.visitInsn(Opcodes.ATHROW);
            mv.visitLabel(normal);
            frame(mv, atExit, null);
        }
        if (retSize > 0) {
            mv.visitVarInsn(target.returnType.getOpcode(Opcodes.ILOAD), retSlot);
        }
        mv.visitInsn(target.returnType.getOpcode(Opcodes.IRETURN));
        stackNeeded = Math.max(stackNeeded, retSize + 1);
    }

    /**
     * The locals at the exit advice: the receiver if it reads it, the arguments it reads
     * directly (without {@code backupArguments}), the kept slots, the return value and the exception.
     */
    private Object[] exitLocals(boolean valuesSet) {
        List<Object> locals = new ArrayList<Object>();
        if (!target.isStatic) {
            locals.add(exit.readsSlot(target, 0) ? facts.owner : Opcodes.TOP);
        }
        for (int i = 0; i < target.argumentCount(); i++) {
            Type t = target.argumentType(i);
            boolean direct = !exit.backupArguments && exit.readsSlot(target, target.argumentSlot(i));
            locals.add(direct ? frameType(t) : Opcodes.TOP);
            if (!direct && t.getSize() == 2) {
                locals.add(Opcodes.TOP);
            }
        }
        for (Object k : keptLocals()) {
            locals.add(k);
        }
        if (retSize > 0) {
            locals.add(valuesSet ? frameType(target.returnType) : Opcodes.TOP);
            if (!valuesSet && retSize == 2) {
                locals.add(Opcodes.TOP);
            }
        }
        if (exit.onThrowable) {
            locals.add(valuesSet ? THROWABLE : Opcodes.TOP);
        }
        return locals.toArray();
    }

    /** The frame entries of the kept slots: the enter value, then the argument copies. */
    private List<Object> keptLocals() {
        List<Object> locals = new ArrayList<Object>(2);
        if (kept != null) {
            locals.add(frameType(kept));
        }
        for (int i = 0; i < backups.length; i++) {
            if (backups[i] >= 0) {
                locals.add(frameType(target.argumentType(i)));
            }
        }
        return locals;
    }

    // ---- parameters --------------------------------------------------------------------------

    /** By advice slot, what each parameter of the advice method is in the instrumented method. */
    private RecordedCode.Virtual[] parameters(AdviceMethod method) {
        RecordedCode.Virtual[] virtuals = new RecordedCode.Virtual[slotsOf(method)];
        boolean exiting = method.kind == AdviceMethod.Kind.EXIT;
        for (final Parameter p : method.parameters) {
            virtuals[p.slot] = parameter(p, method, exiting);
        }
        return virtuals;
    }

    /** Where argument {@code i} is read and written: its copy for the exit advice when there is one. */
    private int argumentSlot(int i, boolean exiting) {
        return exiting && backups[i] >= 0 ? backups[i] : target.argumentSlot(i);
    }

    private RecordedCode.Virtual parameter(final Parameter p, final AdviceMethod method, final boolean exiting) {
        switch (p.source) {
            case ARGUMENT:
                return slot(target.argumentType(p.index), argumentSlot(p.index, exiting), p.type);
            case ENTER:
                return slot(kept, target.argumentsSize, p.type);
            case RETURN:
                if (retSize == 0) {
                    return constant(mv -> pushDefault(mv, p.type), p.type);
                }
                return slot(target.returnType, retSlot, p.type);
            case THROWN:
                if (!method.onThrowable) {
                    return constant(mv -> mv.visitInsn(Opcodes.ACONST_NULL), p.type);
                }
                return slot(p.type, thrownSlot, p.type);
            case THIS:
                return constant(mv -> {
                    mv.visitVarInsn(Opcodes.ALOAD, 0);
                    Conversions.convert(mv, Type.getObjectType(target.owner), p.type);
                }, p.type);
            case ALL_ARGUMENTS:
                return new RecordedCode.Virtual() {
                    @Override
                    public void load(MethodVisitor mv) {
                        Conversions.pushInt(mv, target.argumentCount());
                        mv.visitTypeInsn(Opcodes.ANEWARRAY, "java/lang/Object");
                        for (int i = 0; i < target.argumentCount(); i++) {
                            Type t = target.argumentType(i);
                            mv.visitInsn(Opcodes.DUP);
                            Conversions.pushInt(mv, i);
                            mv.visitVarInsn(t.getOpcode(Opcodes.ILOAD), argumentSlot(i, exiting));
                            Conversions.convert(mv, t, Type.getType(Object.class));
                            mv.visitInsn(Opcodes.AASTORE);
                        }
                    }

                    @Override
                    public void store(MethodVisitor mv) {
                        for (int i = 0; i < target.argumentCount(); i++) {
                            Type t = target.argumentType(i);
                            mv.visitInsn(Opcodes.DUP);
                            Conversions.pushInt(mv, i);
                            mv.visitInsn(Opcodes.AALOAD);
                            Conversions.convert(mv, Type.getType(Object.class), t);
                            mv.visitVarInsn(t.getOpcode(Opcodes.ISTORE), argumentSlot(i, exiting));
                        }
                        mv.visitInsn(Opcodes.POP);
                    }
                };
            case FIELD:
                final Type field = Type.getType(facts.fieldDescriptor(p.text));
                final boolean isStatic = facts.isStaticField(p.text);
                return new RecordedCode.Virtual() {
                    @Override
                    public void load(MethodVisitor mv) {
                        if (isStatic) {
                            mv.visitFieldInsn(Opcodes.GETSTATIC, target.owner, p.text, field.getDescriptor());
                        } else {
                            mv.visitVarInsn(Opcodes.ALOAD, 0);
                            mv.visitFieldInsn(Opcodes.GETFIELD, target.owner, p.text, field.getDescriptor());
                        }
                        Conversions.convert(mv, field, p.type);
                    }

                    @Override
                    public void store(MethodVisitor mv) {
                        Conversions.convert(mv, p.type, field);
                        if (isStatic) {
                            mv.visitFieldInsn(Opcodes.PUTSTATIC, target.owner, p.text, field.getDescriptor());
                            return;
                        }
                        // the receiver goes under the value
                        mv.visitVarInsn(Opcodes.ALOAD, 0);
                        if (field.getSize() == 2) {
                            mv.visitInsn(Opcodes.DUP_X2);
                            mv.visitInsn(Opcodes.POP);
                        } else {
                            mv.visitInsn(Opcodes.SWAP);
                        }
                        mv.visitFieldInsn(Opcodes.PUTFIELD, target.owner, p.text, field.getDescriptor());
                    }
                };
            case ORIGIN:
                final String origin = "#m".equals(p.text) ? target.name
                        : "#t".equals(p.text) ? target.owner.replace('/', '.') : target.descriptor;
                return constant(mv -> mv.visitLdcInsn(origin), p.type);
            case CUSTOM:
                return constant(mv -> p.custom.load(mv, target, p.customValue), p.type);
            default:
                throw new AdviceException("unknown parameter source " + p.source);
        }
    }

    /** A parameter bound to a slot of the instrumented method, converted between its type and the parameter's. */
    private static RecordedCode.Virtual slot(final Type type, final int slot, final Type parameter) {
        return new RecordedCode.Virtual() {
            @Override
            public void load(MethodVisitor mv) {
                mv.visitVarInsn(type.getOpcode(Opcodes.ILOAD), slot);
                Conversions.convert(mv, type, parameter);
            }

            @Override
            public void store(MethodVisitor mv) {
                Conversions.convert(mv, parameter, type);
                mv.visitVarInsn(type.getOpcode(Opcodes.ISTORE), slot);
            }
        };
    }

    /** A read-only parameter (the advice was refused if it assigns one). */
    private static RecordedCode.Virtual constant(final java.util.function.Consumer<MethodVisitor> load, final Type type) {
        return new RecordedCode.Virtual() {
            @Override
            public void load(MethodVisitor mv) {
                load.accept(mv);
            }

            @Override
            public void store(MethodVisitor mv) {
                // unreachable for read-only parameters; a writable one with nowhere to go drops the value
                mv.visitInsn(type.getSize() == 2 ? Opcodes.POP2 : Opcodes.POP);
            }
        };
    }

    // ---- frames ------------------------------------------------------------------------------

    /** The method's locals at its start: the receiver and the arguments. */
    private Object[] initialLocals() {
        List<Object> locals = new ArrayList<Object>();
        if (!target.isStatic) {
            locals.add(target.isConstructor ? Opcodes.UNINITIALIZED_THIS : facts.owner);
        }
        for (Type t : target.arguments) {
            locals.add(frameType(t));
        }
        return locals.toArray();
    }

    private void frame(MethodVisitor mv, Object[] locals, String stackTop) {
        if (!frames) {
            return;
        }
        Object[] stack = stackTop == null ? new Object[0] : new Object[]{stackTop};
        mv.visitFrame(Opcodes.F_NEW, locals.length, locals, stack.length, stack);
    }

    static Object frameType(Type t) {
        switch (t.getSort()) {
            case Type.BOOLEAN:
            case Type.BYTE:
            case Type.CHAR:
            case Type.SHORT:
            case Type.INT:
                return Opcodes.INTEGER;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            default:
                return t.getInternalName();
        }
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    private static int slotsOf(AdviceMethod method) {
        int slots = 0;
        for (Parameter p : method.parameters) {
            slots = Math.max(slots, p.slot + p.type.getSize());
        }
        return slots;
    }

    private static void pushDefault(MethodVisitor mv, Type t) {
        switch (t.getSort()) {
            case Type.VOID:
                return;
            case Type.LONG:
                mv.visitInsn(Opcodes.LCONST_0);
                return;
            case Type.FLOAT:
                mv.visitInsn(Opcodes.FCONST_0);
                return;
            case Type.DOUBLE:
                mv.visitInsn(Opcodes.DCONST_0);
                return;
            case Type.OBJECT:
            case Type.ARRAY:
                mv.visitInsn(Opcodes.ACONST_NULL);
                return;
            default:
                mv.visitInsn(Opcodes.ICONST_0);
        }
    }
}
