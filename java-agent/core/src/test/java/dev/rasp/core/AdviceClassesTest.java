package dev.rasp.core;

import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.Transformations;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every advice class the installed modules name ({@link CachedAdvice#nested} builds most names
 * without loading the class) is a class file the agent's loader serves and reads as advice: a
 * misspelt name would otherwise show only as a hook that fails when its first target loads.
 */
class AdviceClassesTest {

    @Test
    void everyAdviceClassTheModulesNameIsReadAsAdvice() {
        List<String> unread = new ArrayList<String>();
        int advice = 0;
        for (InstrumentationModule module : Activation.modules()) {
            Transformations t = module.extend(new Transformations(), Activation.class.getClassLoader());
            for (Transformations.Rule rule : t.rules()) {
                for (CachedAdvice a : rule.advice()) {
                    advice++;
                    for (String failed : a.readAll()) {
                        unread.add(module.name() + ": " + failed);
                    }
                }
            }
        }
        assertEquals(new ArrayList<String>(), unread);
        assertTrue(advice > 50, "advice read: " + advice);
    }

    @Test
    void aNestedNameIsTheBinaryName() {
        assertEquals("java.util.Map$Entry", CachedAdvice.nested(java.util.Map.class, "Entry"));
        CachedAdvice missing = CachedAdvice.of(Activation.class.getClassLoader())
                .advice(dev.rasp.core.instrumentation.matching.Matchers.named("x"),
                        CachedAdvice.nested(AdviceClassesTest.class, "Missing"));
        assertEquals(1, missing.readAll().size(), "a name no class file has is reported");
    }
}
