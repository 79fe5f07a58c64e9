package dev.rasp.core;

import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.Matchers;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.TypeShape;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The structural half of the pre-filter's guard (the corpus half is TypePrefilterCorpusTest in
 * integration-tests/prefilter-corpus): every instrumentation module in the core is one the
 * installer registers, and every type name, name shape and annotation a module's type matchers
 * ({@link Matchers}) ask for is among the {@link TypeKeys} that module declares. The matchers are read from
 * the rules the module's {@code extend} builds, the way the installer builds them, so a
 * matcher added or widened without its key fails here even for a library no test application
 * ships. A type matcher this test cannot read (a lambda, a custom class, a string mode the
 * pre-filter has no key for) fails too: declare its keys and teach this test to read it.
 */
class TypeKeysDeclaredTest {

    /** Where in a type matcher a name matcher sits. */
    private enum Context { TYPE, METHOD, ANNOTATION }

    /** What a module's type matchers ask for, read from them. */
    private static final class Required {
        final Set<String> names = new TreeSet<String>();
        final Set<String> prefixes = new TreeSet<String>();
        final Set<String> suffixes = new TreeSet<String>();
        final Set<String> annotations = new TreeSet<String>();
        boolean declaresMethod;
        final List<String> unreadable = new ArrayList<String>();
    }

    @Test
    void everyModuleInTheCoreIsRegisteredByTheInstaller() throws IOException, URISyntaxException {
        Path classes = Paths.get(InstrumentationModule.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> found = new TreeSet<String>();
        try (Stream<Path> files = Files.walk(classes.resolve("dev/rasp/core/instrumentation"))) {
            for (Path p : files.filter(f -> f.toString().endsWith(".class")).collect(Collectors.toList())) {
                String name = classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> c;
                try {
                    c = Class.forName(name, false, getClass().getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue; // advice referring to the bootstrap bridge only
                }
                if (InstrumentationModule.class.isAssignableFrom(c) && !c.isInterface()
                        && !Modifier.isAbstract(c.getModifiers())) {
                    found.add(c.getName());
                }
            }
        }
        Set<String> registered = Activation.modules().stream().map(m -> m.getClass().getName())
                .collect(Collectors.toCollection(TreeSet::new));
        assertTrue(found.size() >= 17, "modules found in " + classes + ": " + found);
        assertEquals(found, registered, "every InstrumentationModule class is one Activation.modules() installs");
    }

    @Test
    void everyNameAShapeAndAnnotationTheMatchersAskForIsAKey() throws Exception {
        List<String> problems = new ArrayList<String>();
        int names = 0;
        for (InstrumentationModule module : Activation.modules()) {
            TypeKeys keys = new TypeKeys();
            module.typeKeys(keys);
            Set<String> keyNames = get(keys, "names");
            List<String[]> shapes = get(keys, "nameShapes");
            Set<String> constants = ((List<byte[]>) get(keys, "constants")).stream()
                    .map(b -> new String(b, java.nio.charset.StandardCharsets.US_ASCII)).collect(Collectors.toSet());
            Required required = read(module);
            String m = module.name() + ": ";
            if (required.names.isEmpty() && required.prefixes.isEmpty() && !required.declaresMethod) {
                problems.add(m + "no type matcher read (does extend() add none, or did this test lose its way?)");
            }
            for (String u : required.unreadable) {
                problems.add(m + "a type matcher this test cannot read: " + u);
            }
            for (String n : required.names) {
                names++;
                if (!keyNames.contains(n) && shapes.stream().noneMatch(s -> n.startsWith(s[0]) && n.endsWith(s[1]))) {
                    problems.add(m + "type name " + n + " is not among its keys");
                }
            }
            for (String p : required.prefixes) {
                if (shapes.stream().noneMatch(s -> s[0].equals(p))) {
                    problems.add(m + "name prefix " + p + " is not the prefix of one of its name shapes");
                }
            }
            for (String s : required.suffixes) {
                if (shapes.stream().noneMatch(shape -> shape[1].equals(s))) {
                    problems.add(m + "name suffix " + s + " is not the suffix of one of its name shapes");
                }
            }
            for (String a : required.annotations) {
                if (!constants.contains("L" + a.replace('.', '/') + ";")) {
                    problems.add(m + "annotation " + a + " is not among its constants (L" + a.replace('.', '/') + ";)");
                }
            }
            if (required.declaresMethod && constants.isEmpty()) {
                problems.add(m + "declaresMethod(...) in a type matcher but no constant (method descriptor) among its keys");
            }
        }
        assertEquals(Collections.emptyList(), problems);
        assertTrue(names > 100, "type names read from the matchers: " + names);
    }

    /**
     * The pre-filter reads a class's super types only when the class declares a method of the names
     * the rules that look at super types can weave ({@link Transformations#methodNamesOfHierarchyRules}):
     * for the installed modules that set is bounded (else every class's super types are read again),
     * holds no constructor (every class declares one), and holds the hooks' own names.
     */
    @Test
    void theRulesThatLookAtSuperTypesWeaveMethodsOfAFewNames() {
        Transformations all = new Transformations();
        for (InstrumentationModule module : Activation.modules()) {
            module.extend(all, TypeKeysDeclaredTest.class.getClassLoader());
        }
        Set<String> names = all.methodNamesOfHierarchyRules();
        assertTrue(names != null, "a rule that looks at super types can weave a method of any name");
        assertFalse(names.contains("<init>"), "a rule that looks at super types weaves constructors: " + names);
        assertTrue(names.containsAll(java.util.Arrays.asList("doFilter", "service", "executeQuery", "prepareStatement",
                "execute", "submit", "run", "getParameter", "addMessageHandler")), names.toString());
        assertFalse(names.contains("delete"), "java.io.File's hooks are on a named type: " + names);
        assertTrue(names.size() < 100, names.toString());
    }

    /** How the names are gathered: the rules that look at super types only, bounded by what they declare first. */
    @Test
    void methodNamesOfHierarchyRulesFromProbeRules() {
        Transformations named = probe((b, l) -> b.type(Matchers.named("a.B"))
                .transform(CachedAdvice.of(l).advice(Matchers.isMethod(), "Any"))
                .type(Matchers.declaresMethod(Matchers.isAnnotatedWith(Matchers.named("x.OnIt"))))
                .transform(CachedAdvice.of(l).advice(Matchers.isMethod(), "Any")))
                .extend(new Transformations(), getClass().getClassLoader());
        assertEquals(Collections.emptySet(), named.methodNamesOfHierarchyRules(),
                "rules on the class's own name or members: its own keys pass it");
        Transformations hierarchy = probe((b, l) -> b.type(Matchers.hasSuperType(Matchers.named("a.B")))
                .transform(CachedAdvice.of(l).advice(Matchers.<MethodShape>isMethod().and(Matchers.named("run")), "Run")
                        .advice(Matchers.namedOneOf("start", "stop"), "Start")))
                .extend(new Transformations(), getClass().getClassLoader());
        assertEquals(new TreeSet<String>(java.util.Arrays.asList("run", "start", "stop")),
                new TreeSet<String>(hierarchy.methodNamesOfHierarchyRules()));
        Transformations declared = probe((b, l) -> b.type(Matchers.<TypeShape>hasSuperType(Matchers.named("a.B"))
                        .and(Matchers.declaresMethod(Matchers.named("add"))))
                .transform(CachedAdvice.of(l).advice(Matchers.isConstructor(), "Created")))
                .extend(new Transformations(), getClass().getClassLoader());
        assertEquals(Collections.singleton("add"), declared.methodNamesOfHierarchyRules(),
                "the method the type must declare bounds it, not the constructor its advice goes into");
        Transformations any = probe((b, l) -> b.type(Matchers.hasSuperType(Matchers.named("a.B")))
                .transform(CachedAdvice.of(l).advice(Matchers.isMethod(), "Any")))
                .extend(new Transformations(), getClass().getClassLoader());
        assertEquals(null, any.methodNamesOfHierarchyRules());
    }

    /** A module of no keys whose {@code extend} is the given rules. */
    private static InstrumentationModule probe(BiFunction<Transformations, ClassLoader, Transformations> rules) {
        return new InstrumentationModule() {
            @Override
            public String name() {
                return "probe";
            }

            @Override
            public void typeKeys(TypeKeys keys) {
            }

            @Override
            public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
                return rules.apply(builder, adviceLoader);
            }
        };
    }

    /** The reader itself: a matcher missing its key is seen (else the test above proves nothing). */
    @Test
    void theReaderSeesNamesShapesAndAnnotations() throws Exception {
        InstrumentationModule probe = probe((builder, adviceLoader) -> builder
                .type(Matchers.<TypeShape>not(Matchers.isInterface())
                        .and(Matchers.not(Matchers.nameStartsWith("org.ignored.")))
                        .and(Matchers.failSafe(Matchers.hasSuperType(Matchers.namedOneOf("a.B", "c.D")))))
                .transform(CachedAdvice.of(adviceLoader))
                .type(Matchers.<TypeShape>nameStartsWith("org.x.")
                        .and(Matchers.nameEndsWith("Handler")))
                .transform(CachedAdvice.of(adviceLoader))
                .type(Matchers.declaresMethod(
                        Matchers.<MethodShape>isAnnotatedWith(Matchers.named("x.OnIt"))
                                .and(Matchers.named("methodName"))
                                .and(Matchers.takesArgument(0, Matchers.named("arg.Type")))
                                .and(Matchers.returns(Matchers.named("return.Type")))))
                .transform(CachedAdvice.of(adviceLoader)));
        Required r = read(probe);
        assertEquals(new TreeSet<String>(java.util.Arrays.asList("a.B", "c.D")), r.names);
        assertEquals(Collections.singleton("org.x."), r.prefixes);
        assertEquals(Collections.singleton("Handler"), r.suffixes);
        assertEquals(Collections.singleton("x.OnIt"), r.annotations);
        assertTrue(r.declaresMethod);
        assertTrue(r.unreadable.isEmpty(), r.unreadable.toString());
        assertFalse(r.names.contains("methodName"));
        assertFalse(r.names.contains("arg.Type"), "a parameter's type is no key");
        assertFalse(r.names.contains("return.Type"), "a return type is no key");
    }

    /** A type matcher the reader cannot see into is reported, not passed over. */
    @Test
    void theReaderReportsWhatItCannotRead() throws Exception {
        final Matcher<TypeShape> lambda = t -> t.name().equals("a.B");
        final Matcher<TypeShape> custom = new Matcher<TypeShape>() {
            @Override
            public boolean matches(TypeShape target) {
                return false;
            }
        };
        InstrumentationModule probe = probe((builder, adviceLoader) -> builder
                .type(lambda).transform(CachedAdvice.of(adviceLoader))
                .type(Matchers.<TypeShape>named("a.B").and(Matchers.failSafe(custom)))
                .transform(CachedAdvice.of(adviceLoader))
                .type(Matchers.isAnnotatedWith(Matchers.nameStartsWith("x.")))
                .transform(CachedAdvice.of(adviceLoader))
                // negated: a class that must not match, no key needed
                .type(Matchers.<TypeShape>named("c.D").and(Matchers.not(custom)))
                .transform(CachedAdvice.of(adviceLoader)));
        Required r = read(probe);
        assertEquals(3, r.unreadable.size(), r.unreadable.toString());
        assertEquals(lambda.getClass().getName(), r.unreadable.get(0));
        assertEquals(custom.getClass().getName(), r.unreadable.get(1));
        assertTrue(r.unreadable.get(2).startsWith("name STARTS_WITH"), r.unreadable.get(2));
        assertEquals(new TreeSet<String>(java.util.Arrays.asList("a.B", "c.D")), r.names);
    }

    @SuppressWarnings("unchecked")
    private static <T> T get(TypeKeys keys, String accessor) throws Exception {
        Method m = TypeKeys.class.getDeclaredMethod(accessor);
        m.setAccessible(true);
        return (T) m.invoke(keys);
    }

    /** The type matchers of the rules this module's extend() builds, as the installer builds them. */
    private static Required read(InstrumentationModule module) {
        Transformations transformations = module.extend(new Transformations(), TypeKeysDeclaredTest.class.getClassLoader());
        Required required = new Required();
        for (Transformations.Rule rule : transformations.rules()) {
            walk(rule.types(), Context.TYPE, false, required, new IdentityHashMap<Object, Boolean>());
        }
        return required;
    }

    /** Reads the agent's matchers ({@link Matchers}' value classes) by their public accessors. */
    private static void walk(Matcher<?> matcher, Context context, boolean negated, Required required,
                             Map<Object, Boolean> seen) {
        if (matcher == null || seen.put(matcher, Boolean.TRUE) != null) {
            return;
        }
        if (matcher instanceof Matchers.Not) {
            walk(((Matchers.Not<?>) matcher).inner(), context, !negated, required, seen);
            return;
        }
        if (matcher instanceof Matchers.And) {
            for (Matcher<?> part : ((Matchers.And<?>) matcher).parts()) {
                walk(part, context, negated, required, seen);
            }
            return;
        }
        if (matcher instanceof Matchers.Or) {
            for (Matcher<?> part : ((Matchers.Or<?>) matcher).parts()) {
                walk(part, context, negated, required, seen);
            }
            return;
        }
        if (matcher instanceof Matchers.FailSafe) {
            walk(((Matchers.FailSafe<?>) matcher).inner(), context, negated, required, seen);
            return;
        }
        if (matcher instanceof Matchers.SuperType) {
            walk(((Matchers.SuperType<?>) matcher).inner(), context, negated, required, seen);
            return;
        }
        if (matcher instanceof Matchers.DeclaresMethod) {
            if (!negated) {
                required.declaresMethod = true;
            }
            walk(((Matchers.DeclaresMethod<?>) matcher).inner(), Context.METHOD, negated, required, seen);
            return;
        }
        if (matcher instanceof Matchers.AnnotatedWith) {
            walk(((Matchers.AnnotatedWith<?>) matcher).inner(), Context.ANNOTATION, negated, required, seen);
            return;
        }
        if (matcher instanceof Matchers.Argument) {
            walk(((Matchers.Argument<?>) matcher).type(), context, negated, required, seen);
            return;
        }
        if (matcher instanceof Matchers.Returns) {
            walk(((Matchers.Returns<?>) matcher).type(), context, negated, required, seen);
            return;
        }
        if (matcher instanceof Matchers.Constant || matcher instanceof Matchers.Modifier
                || matcher instanceof Matchers.Kind || matcher instanceof Matchers.Arity) {
            return; // no name in them
        }
        if (matcher instanceof Matchers.Name) {
            if (negated || context == Context.METHOD) {
                return; // a name a class must not have, or a method's (or its parameters'): no key
            }
            Matchers.Name<?> name = (Matchers.Name<?>) matcher;
            Set<String> into = context == Context.TYPE ? required.names : required.annotations;
            switch (name.mode()) {
                case EQUALS:
                case ONE_OF:
                    into.addAll(name.values());
                    return;
                case STARTS_WITH:
                    if (context == Context.TYPE) {
                        required.prefixes.addAll(name.values());
                        return;
                    }
                    break;
                case ENDS_WITH:
                    if (context == Context.TYPE) {
                        required.suffixes.addAll(name.values());
                        return;
                    }
                    break;
                default:
                    break;
            }
            required.unreadable.add("name " + name.mode() + " " + name.values());
            return;
        }
        // a lambda, or a Matcher class of its own: what it asks for cannot be read
        if (context == Context.TYPE && !negated) {
            required.unreadable.add(matcher.getClass().getName());
        }
    }
}
