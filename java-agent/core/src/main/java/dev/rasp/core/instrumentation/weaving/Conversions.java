package dev.rasp.core.instrumentation.weaving;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Moves a value between the instrumented method's types and the advice's: boxing and unboxing
 * between a primitive and a reference, a cast between references (ByteBuddy's dynamic typing,
 * which the advice asks for where it writes a wider type back; a cast to a type the value
 * already has costs nothing once compiled).
 */
final class Conversions {

    private Conversions() {
    }

    static void convert(MethodVisitor mv, Type from, Type to) {
        if (from.equals(to)) {
            return;
        }
        boolean fromPrimitive = isPrimitive(from);
        boolean toPrimitive = isPrimitive(to);
        if (fromPrimitive && toPrimitive) {
            if (!(isIntLike(from) && isIntLike(to))) {
                throw new AdviceException("cannot convert " + from + " to " + to);
            }
            return;
        }
        if (fromPrimitive) {
            Type box = boxOf(from);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, box.getInternalName(), "valueOf",
                    Type.getMethodDescriptor(box, from), false);
            cast(mv, box, to);
            return;
        }
        if (toPrimitive) {
            Type box = boxOf(to);
            mv.visitTypeInsn(Opcodes.CHECKCAST, box.getInternalName());
            mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, box.getInternalName(), to.getClassName() + "Value",
                    Type.getMethodDescriptor(to), false);
            return;
        }
        cast(mv, from, to);
    }

    private static void cast(MethodVisitor mv, Type from, Type to) {
        if (from.equals(to) || "java/lang/Object".equals(to.getInternalName())) {
            return;
        }
        mv.visitTypeInsn(Opcodes.CHECKCAST, to.getInternalName());
    }

    static void pushInt(MethodVisitor mv, int value) {
        if (value >= -1 && value <= 5) {
            mv.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value >= Byte.MIN_VALUE && value <= Byte.MAX_VALUE) {
            mv.visitIntInsn(Opcodes.BIPUSH, value);
        } else {
            mv.visitIntInsn(Opcodes.SIPUSH, value);
        }
    }

    private static boolean isPrimitive(Type t) {
        return t.getSort() != Type.OBJECT && t.getSort() != Type.ARRAY;
    }

    private static boolean isIntLike(Type t) {
        int s = t.getSort();
        return s == Type.BOOLEAN || s == Type.BYTE || s == Type.CHAR || s == Type.SHORT || s == Type.INT;
    }

    private static Type boxOf(Type primitive) {
        switch (primitive.getSort()) {
            case Type.BOOLEAN:
                return Type.getType(Boolean.class);
            case Type.BYTE:
                return Type.getType(Byte.class);
            case Type.CHAR:
                return Type.getType(Character.class);
            case Type.SHORT:
                return Type.getType(Short.class);
            case Type.INT:
                return Type.getType(Integer.class);
            case Type.FLOAT:
                return Type.getType(Float.class);
            case Type.LONG:
                return Type.getType(Long.class);
            case Type.DOUBLE:
                return Type.getType(Double.class);
            default:
                throw new AdviceException("no box for " + primitive);
        }
    }
}
