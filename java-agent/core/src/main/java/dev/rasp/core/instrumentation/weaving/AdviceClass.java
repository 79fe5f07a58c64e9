package dev.rasp.core.instrumentation.weaving;

import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * An advice class as the weaver inlines it: its enter and exit methods, read once from the class
 * file ({@link Advice}'s annotations, named and meaning as ByteBuddy's). Immutable; shared by every class it is woven into.
 */
public final class AdviceClass {

    static final int ASM_API = Opcodes.ASM9;

    final String name;
    /** Null when the class has none. */
    final AdviceMethod enter;
    final AdviceMethod exit;

    /** The advice class's binary name. */
    public String name() {
        return name;
    }

    private AdviceClass(String name, AdviceMethod enter, AdviceMethod exit) {
        this.name = name;
        this.enter = enter;
        this.exit = exit;
    }

    /**
     * Reads an advice class.
     *
     * @throws AdviceException when it has no advice method, or one the weaver does not support
     */
    public static AdviceClass read(byte[] classFile, ParameterBindings bindings) {
        ClassReader reader = new ClassReader(classFile);
        Collector collector = new Collector(bindings);
        reader.accept(collector, ClassReader.EXPAND_FRAMES);
        String name = reader.getClassName().replace('/', '.');
        AdviceMethod enter = collector.built(collector.enter, name);
        AdviceMethod exit = collector.built(collector.exit, name);
        if (enter == null && exit == null) {
            throw new AdviceException(name + " has no @Advice.OnMethodEnter or @Advice.OnMethodExit method");
        }
        if (enter != null && enter.readsEnter()) {
            throw new AdviceException(name + ": @Advice.Enter in the enter method");
        }
        if (exit != null && (enter == null || enter.returnType.getSort() == Type.VOID) && exit.readsEnter()) {
            throw new AdviceException(name + ": @Advice.Enter but the enter method returns nothing");
        }
        return new AdviceClass(name, enter, exit);
    }

    /** The descriptor the exit method's {@code @Advice.Enter} value has, or null when nothing is kept. */
    Type keptEnterType() {
        return exit != null && exit.readsEnter() ? enter.returnType : null;
    }

    @Override
    public String toString() {
        return name;
    }

    private static final class Collector extends ClassVisitor {
        static final String ENTER = Type.getDescriptor(Advice.OnMethodEnter.class);
        static final String EXIT = Type.getDescriptor(Advice.OnMethodExit.class);

        final ParameterBindings bindings;
        AdviceMethod.Builder enter;
        AdviceMethod.Builder exit;

        Collector(ParameterBindings bindings) {
            super(ASM_API);
            this.bindings = bindings;
        }

        AdviceMethod built(AdviceMethod.Builder builder, String className) {
            return builder == null ? null : builder.build(className);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            final AdviceMethod.Builder builder = new AdviceMethod.Builder(access, name, descriptor, bindings);
            return new MethodVisitor(ASM_API, builder.code) {
                @Override
                public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                    if (ENTER.equals(annotation) || EXIT.equals(annotation)) {
                        boolean isEnter = ENTER.equals(annotation);
                        if ((isEnter ? enter : exit) != null) {
                            throw new AdviceException("more than one " + (isEnter ? "enter" : "exit") + " method: " + name);
                        }
                        if (isEnter) {
                            enter = builder;
                        } else {
                            exit = builder;
                        }
                        builder.kind = isEnter ? AdviceMethod.Kind.ENTER : AdviceMethod.Kind.EXIT;
                        return builder.adviceAnnotation();
                    }
                    return null;
                }

                @Override
                public AnnotationVisitor visitParameterAnnotation(int parameter, String annotation, boolean visible) {
                    return builder.parameterAnnotation(parameter, annotation);
                }
            };
        }
    }
}
