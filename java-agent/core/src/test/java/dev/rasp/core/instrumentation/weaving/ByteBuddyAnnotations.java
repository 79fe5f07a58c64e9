package dev.rasp.core.instrumentation.weaving;

import net.bytebuddy.implementation.bytecode.assign.Assigner;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.commons.ClassRemapper;
import org.objectweb.asm.commons.SimpleRemapper;

import java.util.HashMap;
import java.util.Map;

/**
 * An advice class file with the agent's {@link Advice} annotations renamed to ByteBuddy's
 * {@code Advice} annotations of the same names, elements and defaults: how AdviceWeaverTest has
 * ByteBuddy, the reference, weave the very advice the agent's weaver weaves.
 */
final class ByteBuddyAnnotations {

    private static final SimpleRemapper NAMES;

    static {
        Map<String, String> names = new HashMap<String, String>();
        String own = org.objectweb.asm.Type.getInternalName(Advice.class);
        String byteBuddy = org.objectweb.asm.Type.getInternalName(net.bytebuddy.asm.Advice.class);
        for (Class<?> nested : Advice.class.getDeclaredClasses()) {
            String simple = nested.getSimpleName();
            names.put(own + "$" + simple, byteBuddy + "$" + simple);
        }
        names.put(own + "$Typing", org.objectweb.asm.Type.getInternalName(Assigner.Typing.class));
        NAMES = new SimpleRemapper(names);
    }

    private ByteBuddyAnnotations() {
    }

    static byte[] of(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(0);
        reader.accept(new ClassRemapper(writer, NAMES), 0);
        return writer.toByteArray();
    }
}
