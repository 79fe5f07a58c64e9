package dev.rasp.core;

import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.TypeKeys;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.matcher.AnnotationTypeMatcher;
import net.bytebuddy.matcher.DeclaringMethodMatcher;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.NameMatcher;
import net.bytebuddy.matcher.NegatingMatcher;
import net.bytebuddy.matcher.StringMatcher;
import net.bytebuddy.matcher.StringSetMatcher;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static net.bytebuddy.matcher.ElementMatchers.none;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The structural half of the pre-filter's guard (the corpus half is TypePrefilterCorpusTest in
 * integration-tests/prefilter-corpus): every instrumentation module in the core is one the
 * installer registers, and every type name, name shape and annotation a module's ByteBuddy type
 * matchers ask for is among the {@link TypeKeys} that module declares. The matchers are read from
 * the transformer the module's {@code extend} builds, the way the installer builds it, so a
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

    /** The reader itself: a matcher missing its key is seen (else the test above proves nothing). */
    @Test
    void theReaderSeesNamesShapesAndAnnotations() throws Exception {
        InstrumentationModule probe = new InstrumentationModule() {
            @Override
            public String name() {
                return "probe";
            }

            @Override
            public void typeKeys(TypeKeys keys) {
            }

            @Override
            public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
                return builder
                        .type(net.bytebuddy.matcher.ElementMatchers.<net.bytebuddy.description.type.TypeDescription>not(
                                        net.bytebuddy.matcher.ElementMatchers.isInterface())
                                .and(net.bytebuddy.matcher.ElementMatchers.not(
                                        net.bytebuddy.matcher.ElementMatchers.nameStartsWith("org.ignored.")))
                                .and(net.bytebuddy.matcher.ElementMatchers.failSafe(net.bytebuddy.matcher.ElementMatchers
                                        .hasSuperType(net.bytebuddy.matcher.ElementMatchers.namedOneOf("a.B", "c.D")))))
                        .transform(CachedAdvice.of(adviceLoader))
                        .type(net.bytebuddy.matcher.ElementMatchers.nameStartsWith("org.x.")
                                .and(net.bytebuddy.matcher.ElementMatchers.nameEndsWith("Handler")))
                        .transform(CachedAdvice.of(adviceLoader))
                        .type(net.bytebuddy.matcher.ElementMatchers.declaresMethod(
                                net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith(
                                        net.bytebuddy.matcher.ElementMatchers.named("x.OnIt"))
                                        .and(net.bytebuddy.matcher.ElementMatchers.named("methodName"))))
                        .transform(CachedAdvice.of(adviceLoader));
            }
        };
        Required r = read(probe);
        assertEquals(new TreeSet<String>(java.util.Arrays.asList("a.B", "c.D")), r.names);
        assertEquals(Collections.singleton("org.x."), r.prefixes);
        assertEquals(Collections.singleton("Handler"), r.suffixes);
        assertEquals(Collections.singleton("x.OnIt"), r.annotations);
        assertTrue(r.declaresMethod);
        assertTrue(r.unreadable.isEmpty(), r.unreadable.toString());
        assertFalse(r.names.contains("methodName"));
    }

    @SuppressWarnings("unchecked")
    private static <T> T get(TypeKeys keys, String accessor) throws Exception {
        Method m = TypeKeys.class.getDeclaredMethod(accessor);
        m.setAccessible(true);
        return (T) m.invoke(keys);
    }

    /** The type matchers of the transformer this module's extend() builds, as the installer builds it. */
    private static Required read(InstrumentationModule module) throws Exception {
        AgentBuilder builder = module.extend(new Transformations(), TypeKeysDeclaredTest.class.getClassLoader())
                .applyTo(new AgentBuilder.Default().disableClassFormatChanges().ignore(none()));
        Object transformer = builder.makeRaw();
        Required required = new Required();
        for (Object transformation : (List<?>) field(transformer, "transformations")) {
            Object raw = field(transformation, "matcher");
            if (!(raw instanceof AgentBuilder.RawMatcher.ForElementMatchers)) {
                required.unreadable.add(raw.getClass().getName());
                continue;
            }
            walk(field(raw, "typeMatcher"), Context.TYPE, false, required, new IdentityHashMap<Object, Boolean>());
        }
        return required;
    }

    private static void walk(Object matcher, Context context, boolean negated, Required required,
                             Map<Object, Boolean> seen) throws Exception {
        if (matcher == null || seen.put(matcher, Boolean.TRUE) != null) {
            return;
        }
        if (matcher instanceof Collection) {
            for (Object o : (Collection<?>) matcher) {
                walk(o, context, negated, required, seen);
            }
            return;
        }
        Class<?> c = matcher.getClass();
        if (!c.getName().startsWith("net.bytebuddy.matcher.")) {
            if (context == Context.TYPE && !negated) {
                required.unreadable.add(c.getName());
            }
            return;
        }
        if (matcher instanceof NegatingMatcher) {
            walk(field(matcher, "matcher"), context, !negated, required, seen);
            return;
        }
        if (matcher instanceof DeclaringMethodMatcher) {
            if (!negated) {
                required.declaresMethod = true;
            }
            walk(field(matcher, "matcher"), Context.METHOD, negated, required, seen);
            return;
        }
        if (matcher instanceof AnnotationTypeMatcher) {
            walk(field(matcher, "matcher"), Context.ANNOTATION, negated, required, seen);
            return;
        }
        if (matcher instanceof NameMatcher) {
            Object strings = field(matcher, "matcher");
            if (negated || context == Context.METHOD) {
                return; // a name a class must not have, or a method's name: no key
            }
            Set<String> into = context == Context.TYPE ? required.names : required.annotations;
            if (strings instanceof StringSetMatcher) {
                into.addAll((Set<String>) field(strings, "values"));
            } else if (strings instanceof StringMatcher) {
                String value = (String) field(strings, "value");
                String mode = String.valueOf(field(strings, "mode"));
                if (mode.equals("EQUALS_FULLY")) {
                    into.add(value);
                } else if (mode.equals("STARTS_WITH") && context == Context.TYPE) {
                    required.prefixes.add(value);
                } else if (mode.equals("ENDS_WITH") && context == Context.TYPE) {
                    required.suffixes.add(value);
                } else {
                    required.unreadable.add("name " + mode + " " + value);
                }
            } else {
                required.unreadable.add("name matcher " + strings);
            }
            return;
        }
        // any other ByteBuddy matcher: what it holds (junctions, super types, fail-safe, erasure, collections)
        for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                f.setAccessible(true);
                Object v = f.get(matcher);
                if (v instanceof ElementMatcher || v instanceof Collection) {
                    walk(v, context, negated, required, seen);
                }
            }
        }
    }

    private static Object field(Object o, String name) throws Exception {
        for (Class<?> k = o.getClass(); k != null; k = k.getSuperclass()) {
            try {
                Field f = k.getDeclaredField(name);
                f.setAccessible(true);
                return f.get(o);
            } catch (NoSuchFieldException e) {
                // superclass next
            }
        }
        throw new NoSuchFieldException(o.getClass().getName() + "." + name);
    }
}
