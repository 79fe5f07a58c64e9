package dev.rasp.core.instrumentation.weaving;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.FieldVisitor;
import org.objectweb.asm.MethodVisitor;

import java.util.List;
import java.util.function.BiFunction;

/**
 * Weaves advice classes into the methods of one class, as the class streams through: the
 * methods the plan names get their advice inlined ({@link AdviceMethodWeaver}), every other
 * method passes through untouched (copied as it was when the writer was made from the reader).
 * Reading must expand frames ({@code ClassReader.EXPAND_FRAMES}).
 */
public final class AdviceWeaver extends ClassVisitor {

    private final BiFunction<String, String, List<AdviceClass>> plan;
    private ClassFacts facts;

    /**
     * @param plan for a method's name and descriptor, the advice to weave into it in order (the
     *             first wraps all others: its enter advice runs first, its exit advice last), or
     *             null or empty for none
     */
    public AdviceWeaver(ClassVisitor next, BiFunction<String, String, List<AdviceClass>> plan) {
        super(AdviceClass.ASM_API, next);
        this.plan = plan;
    }

    /** Reads a class file, weaves it and writes it again. */
    public static byte[] weave(byte[] classFile, BiFunction<String, String, List<AdviceClass>> plan) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        reader.accept(new AdviceWeaver(writer, plan), ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    @Override
    public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
        facts = new ClassFacts(name, version);
        super.visit(version, access, name, signature, superName, interfaces);
    }

    @Override
    public FieldVisitor visitField(int access, String name, String descriptor, String signature, Object value) {
        facts.field(access, name, descriptor);
        return super.visitField(access, name, descriptor, signature, value);
    }

    @Override
    public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
        MethodVisitor mv = super.visitMethod(access, name, descriptor, signature, exceptions);
        List<AdviceClass> advice = plan.apply(name, descriptor);
        if (advice == null || advice.isEmpty() || mv == null) {
            return mv;
        }
        TargetMethod target = new TargetMethod(facts.owner, access, name, descriptor);
        for (AdviceClass a : advice) {
            mv = new AdviceMethodWeaver(mv, target, a, facts);
        }
        return mv;
    }
}
