package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.Matchers;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.Named;
import dev.rasp.core.instrumentation.matching.TypeRef;
import dev.rasp.core.instrumentation.matching.TypeShape;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import java.security.ProtectionDomain;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The modules' matchers over ByteBuddy's type descriptions, for the tests that put them to
 * ByteBuddy's type pool and agent builder, the reference the agent's own descriptions
 * ({@link dev.rasp.core.instrumentation.matching.ClassFileShape}) are checked against.
 */
public final class ByteBuddyShapes {

    private ByteBuddyShapes() {
    }

    public static TypeShape of(TypeDescription type) {
        return new Type(type);
    }

    /** A loaded class, described by reflection (a class defined with no class file to read). */
    public static TypeShape ofLoaded(Class<?> type) {
        return new Type(TypeDescription.ForLoadedType.of(type));
    }

    public static MethodShape of(MethodDescription method) {
        return new Method(method);
    }

    /**
     * The modules' rules on a ByteBuddy agent builder, to match with (its transformer changes nothing):
     * what the agent's rules select, as ByteBuddy's matching of its descriptions sees it.
     */
    public static AgentBuilder applyTo(Transformations transformations, AgentBuilder builder) {
        for (Transformations.Rule rule : transformations.rules()) {
            if (!rule.advice().isEmpty()) {
                builder = builder.type(types(rule.types())).transform(new AgentBuilder.Transformer() {
                    @Override
                    public DynamicType.Builder<?> transform(DynamicType.Builder<?> b, TypeDescription type, ClassLoader loader,
                                                            JavaModule module, ProtectionDomain domain) {
                        return b;
                    }
                });
            }
        }
        return builder;
    }

    /** A type matcher for ByteBuddy's agent builder. */
    public static ElementMatcher<TypeDescription> types(final Matcher<? super TypeShape> matcher) {
        return new ElementMatcher<TypeDescription>() {
            @Override
            public boolean matches(TypeDescription target) {
                return matcher.matches(of(target));
            }
        };
    }

    /** A method matcher for ByteBuddy's advice. */
    public static ElementMatcher<MethodDescription> methods(final Matcher<? super MethodShape> matcher) {
        return new ElementMatcher<MethodDescription>() {
            @Override
            public boolean matches(MethodDescription target) {
                return matcher.matches(of(target));
            }
        };
    }

    /** A name matcher on ByteBuddy's type descriptions (by the name alone). */
    public static ElementMatcher.Junction<TypeDescription> names(final Matcher<? super Named> matcher) {
        return new ElementMatcher.Junction.AbstractBase<TypeDescription>() {
            @Override
            public boolean matches(TypeDescription target) {
                return matcher.matches(new Matchers.TypeName(target.getName()));
            }
        };
    }

    private static class Ref implements TypeRef {
        final TypeDescription type;

        Ref(TypeDescription type) {
            this.type = type;
        }

        @Override
        public String name() {
            return type.getName();
        }

        @Override
        public boolean hasSuperType(Matcher<? super Named> matcher) {
            ArrayDeque<TypeDescription> queue = new ArrayDeque<TypeDescription>();
            Set<String> seen = new HashSet<String>();
            queue.add(type);
            while (!queue.isEmpty()) {
                TypeDescription next = queue.poll();
                if (!seen.add(next.getName())) {
                    continue;
                }
                if (matcher.matches(new Matchers.TypeName(next.getName()))) {
                    return true;
                }
                try {
                    TypeDescription.Generic superClass = next.getSuperClass();
                    if (superClass != null) {
                        queue.add(superClass.asErasure());
                    }
                    for (TypeDefinition i : next.getInterfaces()) {
                        queue.add(i.asErasure());
                    }
                } catch (RuntimeException unresolvable) {
                    // named, not walked further
                }
            }
            return false;
        }
    }

    private static final class Type extends Ref implements TypeShape {
        Type(TypeDescription type) {
            super(type);
        }

        @Override
        public int modifiers() {
            return type.getModifiers();
        }

        @Override
        public List<String> annotations() {
            return ByteBuddyShapes.annotations(type.getDeclaredAnnotations());
        }

        @Override
        public List<MethodShape> methods() {
            List<MethodShape> methods = new ArrayList<MethodShape>();
            for (MethodDescription m : type.getDeclaredMethods()) {
                methods.add(new Method(m));
            }
            return methods;
        }
    }

    private static final class Method implements MethodShape {
        private final MethodDescription method;

        Method(MethodDescription method) {
            this.method = method;
        }

        @Override
        public String name() {
            return method.getInternalName();
        }

        @Override
        public int modifiers() {
            return method.getModifiers();
        }

        @Override
        public String descriptor() {
            return method.getDescriptor();
        }

        @Override
        public List<TypeRef> parameters() {
            List<TypeRef> parameters = new ArrayList<TypeRef>();
            for (TypeDescription t : method.getParameters().asTypeList().asErasures()) {
                parameters.add(new Ref(t));
            }
            return parameters;
        }

        @Override
        public TypeRef returnType() {
            return new Ref(method.getReturnType().asErasure());
        }

        @Override
        public List<String> annotations() {
            return ByteBuddyShapes.annotations(method.getDeclaredAnnotations());
        }
    }

    private static List<String> annotations(Iterable<? extends AnnotationDescription> annotations) {
        List<String> names = new ArrayList<String>();
        for (AnnotationDescription a : annotations) {
            names.add(a.getAnnotationType().getName());
        }
        return names;
    }
}
