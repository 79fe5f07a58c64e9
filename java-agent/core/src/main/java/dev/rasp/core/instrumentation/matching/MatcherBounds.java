package dev.rasp.core.instrumentation.matching;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a composed matcher can match at most, read off its parts without running it: the names of
 * the methods a method matcher can select, and the names a type matcher requires of the type
 * itself. Every answer is a bound (a superset of what the matcher matches); a part this does not
 * know (a matcher class of a module's own) bounds nothing.
 *
 * <p>Why: the pre-filter leaves a class alone without reading its super types' class files when
 * the class declares no method that any advice could go into ({@code TypePrefilter}); these bounds
 * say which method names those are.
 */
public final class MatcherBounds {

    private MatcherBounds() {
    }

    /**
     * The names of the methods a method matcher can select ({@code <init>} for constructors), or
     * null when it can select a method of any name.
     */
    public static Set<String> methodNames(Matcher<?> matcher) {
        return Names.SELECTED.of(matcher);
    }

    /**
     * The names a type matcher requires the type to declare a method of ({@code declaresMethod},
     * alone or as a part every match needs), or null when it requires none of a bounded few.
     */
    public static Set<String> declaredMethodNames(Matcher<?> matcher) {
        return Names.DECLARED.of(matcher);
    }

    /**
     * A bound on names through the composition ({@code and}: either part's bound, both
     * intersected; {@code or}: both united, none when either has none; {@code failSafe}: its
     * matcher's), the parts it is made of answered by {@link #leaf}. A set is a new one the caller
     * may change; null bounds nothing.
     */
    private enum Names {
        /** Of a method matcher: the names of the methods it selects. */
        SELECTED {
            @Override
            Set<String> leaf(Matcher<?> matcher) {
                if (matcher instanceof Matchers.Name) {
                    Matchers.Name<?> name = (Matchers.Name<?>) matcher;
                    Matchers.Name.Mode mode = name.mode();
                    return mode == Matchers.Name.Mode.EQUALS || mode == Matchers.Name.Mode.ONE_OF
                            ? new HashSet<String>(name.values()) : null;
                }
                if (matcher == Matchers.Constant.NONE) {
                    return new HashSet<String>();
                }
                if (matcher instanceof Matchers.Kind && ((Matchers.Kind<?>) matcher).constructor()) {
                    return new HashSet<String>(Collections.singleton("<init>"));
                }
                return null;
            }
        },
        /** Of a type matcher: the names of the methods it requires declared. */
        DECLARED {
            @Override
            Set<String> leaf(Matcher<?> matcher) {
                return matcher instanceof Matchers.DeclaresMethod
                        ? SELECTED.of(((Matchers.DeclaresMethod<?>) matcher).inner()) : null;
            }
        };

        abstract Set<String> leaf(Matcher<?> matcher);

        Set<String> of(Matcher<?> matcher) {
            if (matcher instanceof Matchers.And || matcher instanceof Matchers.Or) {
                boolean and = matcher instanceof Matchers.And;
                List<Matcher<?>> parts = and ? ((Matchers.And<?>) matcher).parts() : ((Matchers.Or<?>) matcher).parts();
                Set<String> left = of(parts.get(0));
                Set<String> right = of(parts.get(1));
                if (left == null || right == null) {
                    return and ? (left == null ? right : left) : null;
                }
                if (and) {
                    left.retainAll(right);
                } else {
                    left.addAll(right);
                }
                return left;
            }
            if (matcher instanceof Matchers.FailSafe) {
                return of(((Matchers.FailSafe<?>) matcher).inner());
            }
            return leaf(matcher);
        }
    }

    /** The names a name matcher can match: these exactly, and those that start with a prefix. */
    public static final class NameBound {
        public final Set<String> names = new HashSet<String>();
        public final Set<String> prefixes = new HashSet<String>();
    }

    /**
     * The names a matcher on names alone ({@code named}, {@code namedOneOf}, {@code nameStartsWith}
     * and their {@code or}; {@code none}) can match, or null when it is anything else (a bound of
     * nothing). An {@code and} is bounded by either part.
     */
    public static NameBound typeNames(Matcher<?> matcher) {
        if (matcher instanceof Matchers.Name) {
            Matchers.Name<?> name = (Matchers.Name<?>) matcher;
            if (name.mode() == Matchers.Name.Mode.ENDS_WITH) {
                return null;
            }
            NameBound bound = new NameBound();
            (name.mode() == Matchers.Name.Mode.STARTS_WITH ? bound.prefixes : bound.names).addAll(name.values());
            return bound;
        }
        if (matcher == Matchers.Constant.NONE) {
            return new NameBound();
        }
        if (matcher instanceof Matchers.FailSafe) {
            return typeNames(((Matchers.FailSafe<?>) matcher).inner());
        }
        if (matcher instanceof Matchers.And || matcher instanceof Matchers.Or) {
            boolean and = matcher instanceof Matchers.And;
            List<Matcher<?>> parts = and ? ((Matchers.And<?>) matcher).parts() : ((Matchers.Or<?>) matcher).parts();
            NameBound left = typeNames(parts.get(0));
            NameBound right = typeNames(parts.get(1));
            if (and) {
                return left != null ? left : right;
            }
            if (left == null || right == null) {
                return null;
            }
            left.names.addAll(right.names);
            left.prefixes.addAll(right.prefixes);
            return left;
        }
        return null;
    }

    /**
     * Whether a type matcher looks at the type's super types ({@code hasSuperType} anywhere in it);
     * a matcher this does not know counts as looking.
     */
    public static boolean readsSuperTypes(Matcher<?> matcher) {
        if (matcher instanceof Matchers.SuperType) {
            return true;
        }
        if (matcher instanceof Matchers.And || matcher instanceof Matchers.Or) {
            List<Matcher<?>> parts = matcher instanceof Matchers.And
                    ? ((Matchers.And<?>) matcher).parts() : ((Matchers.Or<?>) matcher).parts();
            return readsSuperTypes(parts.get(0)) || readsSuperTypes(parts.get(1));
        }
        if (matcher instanceof Matchers.Not || matcher instanceof Matchers.FailSafe) {
            return readsSuperTypes(((Matchers.Wrapping<?, ?>) matcher).inner());
        }
        // the type's own facts: its name, modifiers, declared members and their annotations
        return !(matcher instanceof Matchers.Name || matcher instanceof Matchers.Modifier
                || matcher instanceof Matchers.DeclaresMethod || matcher instanceof Matchers.AnnotatedWith
                || matcher instanceof Matchers.Constant);
    }

    /**
     * Whether a type matcher matches only types whose own name is one of a fixed few
     * ({@code named}, {@code namedOneOf}, alone or as a part every match needs).
     */
    public static boolean requiresOwnName(Matcher<?> matcher) {
        if (matcher instanceof Matchers.Name) {
            Matchers.Name.Mode mode = ((Matchers.Name<?>) matcher).mode();
            return mode == Matchers.Name.Mode.EQUALS || mode == Matchers.Name.Mode.ONE_OF;
        }
        if (matcher instanceof Matchers.And) {
            List<Matcher<?>> parts = ((Matchers.And<?>) matcher).parts();
            return requiresOwnName(parts.get(0)) || requiresOwnName(parts.get(1));
        }
        if (matcher instanceof Matchers.Or) {
            List<Matcher<?>> parts = ((Matchers.Or<?>) matcher).parts();
            return requiresOwnName(parts.get(0)) && requiresOwnName(parts.get(1));
        }
        if (matcher instanceof Matchers.FailSafe) {
            return requiresOwnName(((Matchers.FailSafe<?>) matcher).inner());
        }
        return matcher == Matchers.Constant.NONE;
    }
}
