package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.MatcherBounds;
import dev.rasp.core.instrumentation.matching.TypeShape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the modules weave where: rules of a type matcher and the advice for the types it matches,
 * in the order the modules add them ({@code type(...).transform(...).transform(...).type(...)}, as
 * ByteBuddy's agent builder reads, which the modules were first written for). The agent's
 * transformer applies them ({@link WeavingTransformer}).
 */
public final class Transformations {

    /** One type matcher and the advice woven into the types it matches, in order. */
    public static final class Rule {
        final Matcher<? super TypeShape> types;
        final List<CachedAdvice> advice = new ArrayList<CachedAdvice>(2);

        Rule(Matcher<? super TypeShape> types) {
            this.types = types;
        }

        public Matcher<? super TypeShape> types() {
            return types;
        }

        public List<CachedAdvice> advice() {
            return Collections.unmodifiableList(advice);
        }
    }

    private final List<Rule> rules = new ArrayList<Rule>();

    /** Starts a rule: the advice added next goes into the types this matches. */
    public Transformations type(Matcher<? super TypeShape> types) {
        rules.add(new Rule(types));
        return this;
    }

    /** Adds advice to the rule started last. */
    public Transformations transform(CachedAdvice advice) {
        if (rules.isEmpty()) {
            throw new IllegalStateException("transform() before type()");
        }
        rules.get(rules.size() - 1).advice.add(advice);
        return this;
    }

    public List<Rule> rules() {
        return Collections.unmodifiableList(rules);
    }

    /**
     * The names of the methods a class must declare for a rule that looks at super types to change
     * it: the names the rule's type matcher requires a declared method of, else those of the
     * methods its advice can go into; null when a method of any name can be. A class that declares
     * none of them is left as it is by every such rule, whatever its super types
     * ({@link TypePrefilter} then does not read them). The other rules match on the class's own
     * name or members, which its own keys show ({@link TypeKeys}): the pre-filter passes such a
     * class before asking this.
     */
    public Set<String> methodNamesOfHierarchyRules() {
        Set<String> names = new HashSet<String>();
        for (Rule rule : rules) {
            if (MatcherBounds.requiresOwnName(rule.types) || !MatcherBounds.readsSuperTypes(rule.types)) {
                continue;
            }
            Set<String> declared = MatcherBounds.declaredMethodNames(rule.types);
            if (declared != null) {
                names.addAll(declared);
                continue;
            }
            for (CachedAdvice a : rule.advice) {
                Set<String> own = a.methodNames();
                if (own == null) {
                    return null;
                }
                names.addAll(own);
            }
        }
        return names;
    }
}
