package dev.rasp.core.instrumentation.weaving;

import org.objectweb.asm.Opcodes;

import java.util.HashMap;
import java.util.Map;

/** What the weaver needs of the instrumented class besides the method: its name, version and fields. */
final class ClassFacts {

    final String owner;
    private final int version;
    /** Field name to descriptor, with a leading '!' for static fields. */
    private final Map<String, String> fields = new HashMap<String, String>();

    ClassFacts(String owner, int version) {
        this.owner = owner;
        this.version = version;
    }

    void field(int access, String name, String descriptor) {
        fields.put(name, ((access & Opcodes.ACC_STATIC) != 0 ? "!" : "") + descriptor);
    }

    String fieldDescriptor(String name) {
        String d = fields.get(name);
        return d == null ? null : d.startsWith("!") ? d.substring(1) : d;
    }

    boolean isStaticField(String name) {
        String d = fields.get(name);
        return d != null && d.startsWith("!");
    }

    /** Stack map frames from class file version 50 (Java 6) on; earlier ones are verified by type inference. */
    boolean framesWritten() {
        return (version & 0xFFFF) >= Opcodes.V1_6;
    }
}
