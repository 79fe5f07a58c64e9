package dev.rasp.core.instrumentation.weaving;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.lang.annotation.Annotation;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * A module's own parameter annotations: each bound to a constant (the JDBC method's code, the ORM
 * method's kind) or to code that loads a value of the instrumented method ({@link ParameterSource}).
 * Immutable; {@link #constant} and {@link #source} return a new set.
 */
public final class ParameterBindings {

    private static final ParameterBindings NONE = new ParameterBindings(Collections.<String, ParameterSource>emptyMap());

    /** By the annotation's descriptor, as the advice's class file names it. */
    private final Map<String, ParameterSource> byDescriptor;

    private ParameterBindings(Map<String, ParameterSource> byDescriptor) {
        this.byDescriptor = byDescriptor;
    }

    public static ParameterBindings none() {
        return NONE;
    }

    /** Parameters annotated so receive {@code value}: an Integer, Long, String or Boolean. */
    public ParameterBindings constant(Class<? extends Annotation> annotation, Object value) {
        if (!(value instanceof Integer || value instanceof Long || value instanceof String || value instanceof Boolean)) {
            throw new IllegalArgumentException("a bound constant is an Integer, Long, String or Boolean, not " + value);
        }
        return source(annotation, new ParameterSource() {
            @Override
            public void load(MethodVisitor mv, TargetMethod target, Object annotationValue) {
                if (value instanceof Boolean) {
                    mv.visitInsn((Boolean) value ? Opcodes.ICONST_1 : Opcodes.ICONST_0);
                } else {
                    mv.visitLdcInsn(value);
                }
            }

            @Override
            public boolean readsArguments() {
                return false;
            }
        });
    }

    /** Parameters annotated so receive what {@code source} loads. */
    public ParameterBindings source(Class<? extends Annotation> annotation, ParameterSource source) {
        Map<String, ParameterSource> more = new HashMap<String, ParameterSource>(byDescriptor);
        more.put(Type.getDescriptor(annotation), source);
        return new ParameterBindings(Collections.unmodifiableMap(more));
    }

    /** The source bound to the annotation of this descriptor, or null. */
    ParameterSource get(String annotationDescriptor) {
        return byDescriptor.get(annotationDescriptor);
    }
}
