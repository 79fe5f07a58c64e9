package dev.rasp.core.instrumentation.matching;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The matchers the modules compose, named and meaning as ByteBuddy's {@code ElementMatchers} of the
 * same name (which the modules used before the agent described types itself), over the agent's own
 * view of a class file ({@link TypeShape}, {@link MethodShape}). Each is a small value class whose
 * parts can be read back: {@code TypeKeysDeclaredTest} reads the type names a module's type matchers
 * ask for out of them.
 *
 * <p>Types are compared by name, as {@code Class.getName()} spells it, so a matcher never loads a
 * class; {@code takesArgument(0, String.class)} names {@code java.lang.String}.
 */
public final class Matchers {

    private static final int ACC_PUBLIC = 0x0001;
    private static final int ACC_STATIC = 0x0008;
    private static final int ACC_BRIDGE = 0x0040;
    private static final int ACC_INTERFACE = 0x0200;
    private static final int ACC_ABSTRACT = 0x0400;
    private static final int ACC_SYNTHETIC = 0x1000;

    private Matchers() {
    }

    // ---- names

    public static <T extends Named> Matcher<T> named(String name) {
        return new Name<T>(Name.Mode.EQUALS, name);
    }

    public static <T extends Named> Matcher<T> namedOneOf(String... names) {
        return new Name<T>(Name.Mode.ONE_OF, names);
    }

    public static <T extends Named> Matcher<T> nameStartsWith(String prefix) {
        return new Name<T>(Name.Mode.STARTS_WITH, prefix);
    }

    public static <T extends Named> Matcher<T> nameEndsWith(String suffix) {
        return new Name<T>(Name.Mode.ENDS_WITH, suffix);
    }

    // ---- logic

    public static <T> Matcher<T> not(Matcher<? super T> matcher) {
        return new Not<T>(matcher);
    }

    @SuppressWarnings("unchecked")
    public static <T> Matcher<T> any() {
        return (Matcher<T>) Constant.ANY;
    }

    @SuppressWarnings("unchecked")
    public static <T> Matcher<T> none() {
        return (Matcher<T>) Constant.NONE;
    }

    /** As the matcher, false where it throws (a type that cannot be read). */
    public static <T> Matcher<T> failSafe(Matcher<? super T> matcher) {
        return new FailSafe<T>(matcher);
    }

    // ---- modifiers

    public static <T extends HasModifiers> Matcher<T> isPublic() {
        return new Modifier<T>(ACC_PUBLIC, "isPublic");
    }

    public static <T extends HasModifiers> Matcher<T> isStatic() {
        return new Modifier<T>(ACC_STATIC, "isStatic");
    }

    public static <T extends HasModifiers> Matcher<T> isAbstract() {
        return new Modifier<T>(ACC_ABSTRACT, "isAbstract");
    }

    public static <T extends HasModifiers> Matcher<T> isInterface() {
        return new Modifier<T>(ACC_INTERFACE, "isInterface");
    }

    public static <T extends HasModifiers> Matcher<T> isSynthetic() {
        return new Modifier<T>(ACC_SYNTHETIC, "isSynthetic");
    }

    public static <T extends MethodShape> Matcher<T> isBridge() {
        return new Modifier<T>(ACC_BRIDGE, "isBridge");
    }

    // ---- types

    public static <T extends TypeRef> Matcher<T> hasSuperType(Matcher<? super Named> matcher) {
        return new SuperType<T>(matcher);
    }

    public static <T extends TypeShape> Matcher<T> declaresMethod(Matcher<? super MethodShape> matcher) {
        return new DeclaresMethod<T>(matcher);
    }

    public static <T extends Annotated> Matcher<T> isAnnotatedWith(Matcher<? super Named> matcher) {
        return new AnnotatedWith<T>(matcher);
    }

    // ---- methods

    public static <T extends MethodShape> Matcher<T> isMethod() {
        return new Kind<T>(false);
    }

    public static <T extends MethodShape> Matcher<T> isConstructor() {
        return new Kind<T>(true);
    }

    public static <T extends MethodShape> Matcher<T> takesArguments(int count) {
        return new Arity<T>(count);
    }

    public static <T extends MethodShape> Matcher<T> takesArguments(Class<?>... types) {
        Matcher<T> m = takesArguments(types.length);
        for (int i = 0; i < types.length; i++) {
            m = m.and(takesArgument(i, types[i]));
        }
        return m;
    }

    public static <T extends MethodShape> Matcher<T> takesArgument(int index, Class<?> type) {
        return takesArgument(index, Matchers.<TypeRef>named(type.getName()));
    }

    public static <T extends MethodShape> Matcher<T> takesArgument(int index, Matcher<? super TypeRef> type) {
        return new Argument<T>(index, type);
    }

    public static <T extends MethodShape> Matcher<T> returns(Class<?> type) {
        return returns(Matchers.<TypeRef>named(type.getName()));
    }

    public static <T extends MethodShape> Matcher<T> returns(Matcher<? super TypeRef> type) {
        return new Returns<T>(type);
    }

    // ---- the matchers

    /** A name compared with one or more strings. */
    public static final class Name<T extends Named> implements Matcher<T> {
        public enum Mode { EQUALS, ONE_OF, STARTS_WITH, ENDS_WITH }

        private final Mode mode;
        private final List<String> values;
        private final String value;
        private final Set<String> oneOf;

        Name(Mode mode, String... values) {
            this.mode = mode;
            this.values = Collections.unmodifiableList(Arrays.asList(values.clone()));
            this.value = values.length > 0 ? values[0] : null;
            this.oneOf = mode == Mode.ONE_OF ? new HashSet<String>(this.values) : null;
        }

        public Mode mode() {
            return mode;
        }

        public List<String> values() {
            return values;
        }

        @Override
        public boolean matches(T target) {
            String name = target.name();
            switch (mode) {
                case EQUALS:
                    return name.equals(value);
                case ONE_OF:
                    return oneOf.contains(name);
                case STARTS_WITH:
                    return name.startsWith(value);
                default:
                    return name.endsWith(value);
            }
        }

        @Override
        public String toString() {
            return "name " + mode + " " + values;
        }
    }

    /** Both. */
    public static final class And<T> implements Matcher<T> {
        private final Matcher<? super T> left;
        private final Matcher<? super T> right;

        And(Matcher<? super T> left, Matcher<? super T> right) {
            this.left = left;
            this.right = right;
        }

        public List<Matcher<?>> parts() {
            return Arrays.<Matcher<?>>asList(left, right);
        }

        @Override
        public boolean matches(T target) {
            return left.matches(target) && right.matches(target);
        }

        @Override
        public String toString() {
            return "(" + left + " and " + right + ")";
        }
    }

    /** Either. */
    public static final class Or<T> implements Matcher<T> {
        private final Matcher<? super T> left;
        private final Matcher<? super T> right;

        Or(Matcher<? super T> left, Matcher<? super T> right) {
            this.left = left;
            this.right = right;
        }

        public List<Matcher<?>> parts() {
            return Arrays.<Matcher<?>>asList(left, right);
        }

        @Override
        public boolean matches(T target) {
            return left.matches(target) || right.matches(target);
        }

        @Override
        public String toString() {
            return "(" + left + " or " + right + ")";
        }
    }

    /**
     * A matcher over what another one says of the target or a part of it (its super types, methods,
     * annotations); {@link #inner} reads the other back (TypeKeysDeclaredTest).
     *
     * @param <I> what the inner matcher is put to
     */
    public abstract static class Wrapping<T, I> implements Matcher<T> {
        private final String label;
        final Matcher<? super I> inner;

        Wrapping(String label, Matcher<? super I> inner) {
            this.label = label;
            this.inner = inner;
        }

        public final Matcher<?> inner() {
            return inner;
        }

        @Override
        public final String toString() {
            return label + " " + inner;
        }
    }

    /** Negation. */
    public static final class Not<T> extends Wrapping<T, T> {
        Not(Matcher<? super T> inner) {
            super("not", inner);
        }

        @Override
        public boolean matches(T target) {
            return !inner.matches(target);
        }
    }

    /** False where the inner matcher throws. */
    public static final class FailSafe<T> extends Wrapping<T, T> {
        FailSafe(Matcher<? super T> inner) {
            super("failSafe", inner);
        }

        @Override
        public boolean matches(T target) {
            try {
                return inner.matches(target);
            } catch (RuntimeException | LinkageError e) {
                return false;
            }
        }
    }

    /** Always or never. */
    public enum Constant implements Matcher<Object> {
        ANY, NONE;

        @Override
        public boolean matches(Object target) {
            return this == ANY;
        }
    }

    /** One access flag set. */
    public static final class Modifier<T extends HasModifiers> implements Matcher<T> {
        private final int flag;
        private final String name;

        Modifier(int flag, String name) {
            this.flag = flag;
            this.name = name;
        }

        @Override
        public boolean matches(T target) {
            return (target.modifiers() & flag) != 0;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** The type or one of its super types, transitively. */
    public static final class SuperType<T extends TypeRef> extends Wrapping<T, Named> {
        SuperType(Matcher<? super Named> inner) {
            super("hasSuperType", inner);
        }

        @Override
        public boolean matches(T target) {
            return target.hasSuperType(inner);
        }
    }

    /** A method or constructor the type declares. */
    public static final class DeclaresMethod<T extends TypeShape> extends Wrapping<T, MethodShape> {
        DeclaresMethod(Matcher<? super MethodShape> inner) {
            super("declaresMethod", inner);
        }

        @Override
        public boolean matches(T target) {
            for (MethodShape m : target.methods()) {
                if (inner.matches(m)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** An annotation declared on the element, by its type's name. */
    public static final class AnnotatedWith<T extends Annotated> extends Wrapping<T, Named> {
        AnnotatedWith(Matcher<? super Named> inner) {
            super("isAnnotatedWith", inner);
        }

        @Override
        public boolean matches(T target) {
            for (final String a : target.annotations()) {
                if (inner.matches(new TypeName(a))) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A method (not a constructor or type initialiser), or a constructor. */
    public static final class Kind<T extends MethodShape> implements Matcher<T> {
        private final boolean constructor;

        Kind(boolean constructor) {
            this.constructor = constructor;
        }

        /** True for {@code isConstructor()}, false for {@code isMethod()}. */
        public boolean constructor() {
            return constructor;
        }

        @Override
        public boolean matches(T target) {
            String name = target.name();
            return constructor ? name.equals("<init>") : !name.equals("<init>") && !name.equals("<clinit>");
        }

        @Override
        public String toString() {
            return constructor ? "isConstructor" : "isMethod";
        }
    }

    /** The number of parameters. */
    public static final class Arity<T extends MethodShape> implements Matcher<T> {
        private final int count;

        Arity(int count) {
            this.count = count;
        }

        @Override
        public boolean matches(T target) {
            return target.parameters().size() == count;
        }

        @Override
        public String toString() {
            return "takesArguments " + count;
        }
    }

    /** The type of one parameter. */
    public static final class Argument<T extends MethodShape> implements Matcher<T> {
        private final int index;
        private final Matcher<? super TypeRef> type;

        Argument(int index, Matcher<? super TypeRef> type) {
            this.index = index;
            this.type = type;
        }

        public Matcher<?> type() {
            return type;
        }

        @Override
        public boolean matches(T target) {
            List<TypeRef> parameters = target.parameters();
            return index < parameters.size() && type.matches(parameters.get(index));
        }

        @Override
        public String toString() {
            return "takesArgument " + index + " " + type;
        }
    }

    /** The return type. */
    public static final class Returns<T extends MethodShape> implements Matcher<T> {
        private final Matcher<? super TypeRef> type;

        Returns(Matcher<? super TypeRef> type) {
            this.type = type;
        }

        public Matcher<?> type() {
            return type;
        }

        @Override
        public boolean matches(T target) {
            return type.matches(target.returnType());
        }

        @Override
        public String toString() {
            return "returns " + type;
        }
    }

    /** A type known by its name alone (an annotation type, a super type being walked). */
    public static final class TypeName implements Named {
        private final String name;

        public TypeName(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String toString() {
            return name;
        }
    }
}
