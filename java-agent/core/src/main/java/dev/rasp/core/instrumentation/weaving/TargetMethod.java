package dev.rasp.core.instrumentation.weaving;

import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/** The method advice is woven into: its owner, name, descriptor and where its parameters live. */
public final class TargetMethod {

    final String owner;
    final String name;
    final String descriptor;
    final boolean isStatic;
    final boolean isConstructor;
    final Type[] arguments;
    final Type returnType;
    /** Local variable slot of each argument. */
    private final int[] slots;
    /** Slots taken by {@code this} (unless static) and the arguments. */
    final int argumentsSize;

    TargetMethod(String owner, int access, String name, String descriptor) {
        this.owner = owner;
        this.name = name;
        this.descriptor = descriptor;
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.isConstructor = "<init>".equals(name);
        this.arguments = Type.getArgumentTypes(descriptor);
        this.returnType = Type.getReturnType(descriptor);
        this.slots = new int[arguments.length];
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < arguments.length; i++) {
            slots[i] = slot;
            slot += arguments[i].getSize();
        }
        this.argumentsSize = slot;
    }

    public String name() {
        return name;
    }

    public int argumentCount() {
        return arguments.length;
    }

    public Type argumentType(int index) {
        return arguments[index];
    }

    /** The local variable slot where argument {@code index} is. */
    public int argumentSlot(int index) {
        return slots[index];
    }
}
