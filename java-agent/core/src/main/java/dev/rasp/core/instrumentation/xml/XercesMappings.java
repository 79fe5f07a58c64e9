package dev.rasp.core.instrumentation.xml;

import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.weaving.TargetMethod;

import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.HashMap;
import java.util.Map;


/**
 * Advice parameters bound to the arguments of {@code setupCurrentEntity} by their types, which
 * differ between the entity managers: the JDK's takes {@code (boolean reference, String name,
 * XMLInputSource, boolean, boolean)}, Apache Xerces' {@code (String name, XMLInputSource,
 * boolean, boolean)}, and each names its own XMLInputSource class. The input source's values
 * are read by calling its getter in the instrumented method itself, where the type is
 * accessible (java.xml does not export it, so neither the advice nor the core could name it).
 */
public final class XercesMappings {

    private XercesMappings() {
    }

    /** The XmlEntityApi code, bound as a constant per instrumented class. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface Api {
    }

    /** The entity's name: the method's first String parameter. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface EntityName {
    }

    /** The result of calling the named no-argument getter on the method's XMLInputSource parameter. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.PARAMETER)
    public @interface Source {
        String value();
    }

    /** The advice with these mappings, {@code api} bound to {@link Api}. */
    public static CachedAdvice bind(CachedAdvice advice, int api) {
        return advice.bind(Api.class, api)
                .bind(EntityName.class, XercesMappings::loadEntityName)
                .bind(Source.class, XercesMappings::loadSource);
    }

    /** The getters {@link Source} may name, with their descriptors (the agent's weaver needs them up front). */
    private static final Map<String, String> GETTERS = new HashMap<String, String>();

    static {
        GETTERS.put("getSystemId", "()Ljava/lang/String;");
        GETTERS.put("getPublicId", "()Ljava/lang/String;");
        GETTERS.put("getByteStream", "()Ljava/io/InputStream;");
        GETTERS.put("getCharacterStream", "()Ljava/io/Reader;");
    }

    /** {@link EntityName}: the first String parameter. */
    static void loadEntityName(MethodVisitor mv, TargetMethod target, Object annotationValue) {
        mv.visitVarInsn(Opcodes.ALOAD, target.argumentSlot(parameter(target, "java/lang/String", false)));
    }

    /** {@link Source}: the getter called on the XMLInputSource parameter. */
    static void loadSource(MethodVisitor mv, TargetMethod target, Object annotationValue) {
        String getter = (String) annotationValue;
        String descriptor = GETTERS.get(getter);
        if (descriptor == null) {
            throw new IllegalStateException("unknown XMLInputSource getter " + getter);
        }
        int index = parameter(target, "/XMLInputSource", true);
        mv.visitVarInsn(Opcodes.ALOAD, target.argumentSlot(index));
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, target.argumentType(index).getInternalName(), getter, descriptor, false);
    }

    private static int parameter(TargetMethod target, String internalName, boolean suffix) {
        for (int i = 0; i < target.argumentCount(); i++) {
            String name = target.argumentType(i).getInternalName();
            if (suffix ? name.endsWith(internalName) : name.equals(internalName)) {
                return i;
            }
        }
        throw new IllegalStateException(target.name() + " has no parameter of type " + internalName);
    }
}
