package dev.rasp.core.instrumentation.matching;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

import static dev.rasp.core.instrumentation.matching.Matchers.declaresMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.failSafe;
import static dev.rasp.core.instrumentation.matching.Matchers.hasSuperType;
import static dev.rasp.core.instrumentation.matching.Matchers.isAbstract;
import static dev.rasp.core.instrumentation.matching.Matchers.isAnnotatedWith;
import static dev.rasp.core.instrumentation.matching.Matchers.isConstructor;
import static dev.rasp.core.instrumentation.matching.Matchers.isInterface;
import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.nameStartsWith;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.namedOneOf;
import static dev.rasp.core.instrumentation.matching.Matchers.none;
import static dev.rasp.core.instrumentation.matching.Matchers.not;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bounds read off composed matchers: each is a superset of what the matcher matches (a bound
 * too small is a hook the pre-filter drops), and anything it cannot read bounds nothing.
 */
class MatcherBoundsTest {

    private static Set<String> set(String... names) {
        return new HashSet<String>(Arrays.asList(names));
    }

    @Test
    void methodNamesOfNamesAndTheirCompositions() {
        assertEquals(set("execute"), MatcherBounds.methodNames(named("execute")));
        assertEquals(set("read", "readLine"), MatcherBounds.methodNames(namedOneOf("read", "readLine")));
        // the name bounds a conjunction whatever else it asks
        assertEquals(set("submit"), MatcherBounds.methodNames(Matchers.<MethodShape>isMethod().and(named("submit"))
                .and(not(isAbstract())).and(takesArgument(0, Runnable.class))));
        assertEquals(set("b"), MatcherBounds.methodNames(Matchers.<MethodShape>namedOneOf("a", "b").and(namedOneOf("b", "c"))));
        assertEquals(set(), MatcherBounds.methodNames(Matchers.<MethodShape>named("a").and(named("b"))));
        assertEquals(set("a", "b"), MatcherBounds.methodNames(Matchers.<MethodShape>named("a").or(named("b"))));
        assertEquals(set("run"), MatcherBounds.methodNames(failSafe(named("run"))));
        assertEquals(set("<init>"), MatcherBounds.methodNames(Matchers.<MethodShape>isConstructor().and(takesArguments(1))));
        assertEquals(set(), MatcherBounds.methodNames(none()));
    }

    @Test
    void whatCanSelectAMethodOfAnyNameBoundsNothing() {
        assertNull(MatcherBounds.methodNames(isMethod()));
        assertNull(MatcherBounds.methodNames(Matchers.<MethodShape>named("a").or(isMethod())));
        assertNull(MatcherBounds.methodNames(not(named("a"))), "a negated name");
        assertNull(MatcherBounds.methodNames(nameStartsWith("get")), "a prefix");
        assertNull(MatcherBounds.methodNames(Matchers.<MethodShape>isMethod().and(isAnnotatedWith(named("x.OnIt")))));
        Matcher<MethodShape> lambda = m -> m.name().equals("a");
        assertNull(MatcherBounds.methodNames(lambda), "a matcher of its own");
        assertNull(MatcherBounds.methodNames(Matchers.<MethodShape>isConstructor().or(named("a")).or(lambda)));
    }

    @Test
    void theMethodNamesATypeMatcherRequiresDeclared() {
        Matcher<TypeShape> session = Matchers.<TypeShape>not(isInterface())
                .and(failSafe(hasSuperType(named("javax.websocket.Session"))))
                .and(declaresMethod(named("addMessageHandler")));
        assertEquals(set("addMessageHandler"), MatcherBounds.declaredMethodNames(session));
        assertEquals(set("a", "b"), MatcherBounds.declaredMethodNames(
                Matchers.<TypeShape>declaresMethod(named("a")).or(declaresMethod(named("b")))));
        assertNull(MatcherBounds.declaredMethodNames(hasSuperType(named("java.sql.Statement"))));
        // either part matches: the super type alone does, whatever the class declares
        assertNull(MatcherBounds.declaredMethodNames(Matchers.<TypeShape>failSafe(hasSuperType(named("java.sql.Statement")))
                .or(declaresMethod(named("executeQuery")))));
        assertNull(MatcherBounds.declaredMethodNames(declaresMethod(isAnnotatedWith(named("x.OnIt")))));
        assertNull(MatcherBounds.declaredMethodNames(not(declaresMethod(named("a")))));
    }

    @Test
    void whetherATypeMatcherLooksAtSuperTypes() {
        assertTrue(MatcherBounds.readsSuperTypes(Matchers.<TypeShape>not(isInterface())
                .and(failSafe(hasSuperType(named("java.util.concurrent.Executor"))))));
        assertTrue(MatcherBounds.readsSuperTypes(not(hasSuperType(named("a.B")))), "negated, still looked at");
        assertTrue(MatcherBounds.readsSuperTypes(Matchers.<TypeShape>named("a.B").or(hasSuperType(named("c.D")))));
        Matcher<TypeShape> lambda = t -> t.name().equals("a.B");
        assertTrue(MatcherBounds.readsSuperTypes(lambda), "a matcher of its own may look");
        assertFalse(MatcherBounds.readsSuperTypes(named("a.B")));
        assertFalse(MatcherBounds.readsSuperTypes(Matchers.<TypeShape>not(isInterface())
                .and(declaresMethod(isAnnotatedWith(namedOneOf("javax.websocket.OnMessage"))))));
        assertFalse(MatcherBounds.readsSuperTypes(Matchers.<TypeShape>nameStartsWith("org.eclipse.jetty.")
                .and(not(isInterface()))));
    }

    @Test
    void whetherATypeMatcherRequiresItsOwnName() {
        assertTrue(MatcherBounds.requiresOwnName(named("java.io.File")));
        assertTrue(MatcherBounds.requiresOwnName(Matchers.<TypeShape>named("a.B").or(namedOneOf("c.D", "e.F"))));
        assertTrue(MatcherBounds.requiresOwnName(Matchers.<TypeShape>named("a.B").and(hasSuperType(named("c.D")))));
        assertFalse(MatcherBounds.requiresOwnName(Matchers.<TypeShape>named("a.B").or(hasSuperType(named("c.D")))));
        assertFalse(MatcherBounds.requiresOwnName(not(named("a.B"))));
        assertFalse(MatcherBounds.requiresOwnName(nameStartsWith("a.")));
        assertEquals(Collections.emptySet(), MatcherBounds.methodNames(none()));
    }

    @Test
    void typeNamesOfNameMatchersAndTheirCompositions() {
        MatcherBounds.NameBound b = MatcherBounds.typeNames(Matchers.<TypeShape>named("java.io.File")
                .or(namedOneOf("java.net.URL", "java.net.Socket")).or(nameStartsWith("java.util.concurrent.")));
        assertEquals(set("java.io.File", "java.net.URL", "java.net.Socket"), b.names);
        assertEquals(set("java.util.concurrent."), b.prefixes);
        // a conjunction is bounded by either part; none bounds to nothing
        assertEquals(set("a.B"), MatcherBounds.typeNames(Matchers.<TypeShape>named("a.B").and(hasSuperType(named("c.D")))).names);
        assertEquals(set(), MatcherBounds.typeNames(none()).names);
        assertEquals(set("a.B"), MatcherBounds.typeNames(failSafe(named("a.B"))).names);
        // what is not a bounded name matcher bounds nothing, and neither does an or with it
        assertNull(MatcherBounds.typeNames(Matchers.nameEndsWith("Statement")));
        assertNull(MatcherBounds.typeNames(not(named("a.B"))));
        assertNull(MatcherBounds.typeNames(Matchers.<TypeShape>named("a.B").or(hasSuperType(named("c.D")))));
    }
}
