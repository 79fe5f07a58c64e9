package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.TypeShape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
}
