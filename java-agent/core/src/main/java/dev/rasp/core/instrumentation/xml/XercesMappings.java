package dev.rasp.core.instrumentation.xml;

import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.weaving.TargetMethod;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.MethodList;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.implementation.bytecode.StackManipulation;
import net.bytebuddy.implementation.bytecode.assign.Assigner;
import net.bytebuddy.implementation.bytecode.member.MethodInvocation;
import net.bytebuddy.implementation.bytecode.member.MethodVariableAccess;

import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.HashMap;
import java.util.Map;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

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
                .bind(EntityName.class, new EntityNameFactory(), XercesMappings::loadEntityName)
                .bind(Source.class, new SourceFactory(), XercesMappings::loadSource);
    }

    /** The getters {@link Source} may name, with their descriptors (the agent's weaver needs them up front). */
    private static final Map<String, String> GETTERS = new HashMap<String, String>();

    static {
        GETTERS.put("getSystemId", "()Ljava/lang/String;");
        GETTERS.put("getPublicId", "()Ljava/lang/String;");
        GETTERS.put("getByteStream", "()Ljava/io/InputStream;");
        GETTERS.put("getCharacterStream", "()Ljava/io/Reader;");
    }

    /** {@link EntityName} for the agent's weaver: the first String parameter. */
    static void loadEntityName(MethodVisitor mv, TargetMethod target, Object annotationValue) {
        mv.visitVarInsn(Opcodes.ALOAD, target.argumentSlot(parameter(target, "java/lang/String", false)));
    }

    /** {@link Source} for the agent's weaver: the getter called on the XMLInputSource parameter. */
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

    /** The parameter the mapping reads: the first of the given type name, or the first whose type name ends so. */
    static ParameterDescription parameter(MethodDescription method, String typeName, boolean suffix) {
        for (ParameterDescription p : method.getParameters()) {
            String name = p.getType().asErasure().getName();
            if (suffix ? name.endsWith(typeName) : name.equals(typeName)) {
                return p;
            }
        }
        throw new IllegalStateException(method + " has no parameter of type " + typeName);
    }

    private static StackManipulation load(ParameterDescription p, Advice.ArgumentHandler arguments) {
        return MethodVariableAccess.of(p.getType()).loadFrom(arguments.argument(p.getOffset()));
    }

    static final class EntityNameFactory implements Advice.OffsetMapping.Factory<EntityName> {
        @Override
        public Class<EntityName> getAnnotationType() {
            return EntityName.class;
        }

        @Override
        public Advice.OffsetMapping make(ParameterDescription.InDefinedShape target,
                                         AnnotationDescription.Loadable<EntityName> annotation, AdviceType adviceType) {
            return new Advice.OffsetMapping() {
                @Override
                public Target resolve(TypeDescription instrumentedType, MethodDescription instrumentedMethod,
                                      Assigner assigner, Advice.ArgumentHandler argumentHandler, Sort sort) {
                    ParameterDescription name = parameter(instrumentedMethod, String.class.getName(), false);
                    return new Target.ForStackManipulation(load(name, argumentHandler));
                }
            };
        }
    }

    static final class SourceFactory implements Advice.OffsetMapping.Factory<Source> {
        @Override
        public Class<Source> getAnnotationType() {
            return Source.class;
        }

        @Override
        public Advice.OffsetMapping make(ParameterDescription.InDefinedShape target,
                                         AnnotationDescription.Loadable<Source> annotation, AdviceType adviceType) {
            final String getter = annotation.load().value();
            return new Advice.OffsetMapping() {
                @Override
                public Target resolve(TypeDescription instrumentedType, MethodDescription instrumentedMethod,
                                      Assigner assigner, Advice.ArgumentHandler argumentHandler, Sort sort) {
                    ParameterDescription source = parameter(instrumentedMethod, ".XMLInputSource", true);
                    MethodList<MethodDescription.InDefinedShape> found = source.getType().asErasure()
                            .getDeclaredMethods().filter(named(getter).and(takesArguments(0)));
                    if (found.size() != 1) {
                        throw new IllegalStateException(source.getType() + " has no " + getter + "()");
                    }
                    return new Target.ForStackManipulation(new StackManipulation.Compound(
                            load(source, argumentHandler), MethodInvocation.invoke(found.getOnly())));
                }
            };
        }
    }
}
