package dev.rasp.core;

import java.lang.instrument.Instrumentation;

/**
 * At attach, the one retransformation that throws away the JVM's compiled code, made as early as
 * possible: before the agent's own start and long before its first real retransformation.
 *
 * <p>Why: a JVM records which compiled methods depend on which classes only once an agent able to
 * redefine classes is present, so in a JVM the agent was attached to at run time the first
 * redefinition of any class marks all compiled code for deoptimisation (HotSpot,
 * {@code VM_RedefineClasses::flush_dependent_code}); from then on only the dependents of a
 * redefined class are. On the Spring test application under the starter that first
 * retransformation came at about 1.8 s of uptime, after the agent's start and the filtering of
 * 5,000 loaded classes, and threw away about 4,300 compiled methods, which the JIT compiled again
 * (twice as many compilations as the same start with {@code -javaagent}). Made here, it comes some
 * 600 ms earlier, with a third fewer methods compiled. With {@code -javaagent} the capability is
 * there from the JVM's start and nothing is thrown away: this runs only at attach.
 *
 * <p>What it retransforms: this class, whose bytes no transformer changes (none is installed yet),
 * so nothing about it changes but the JVM's record of dependencies.
 *
 * <p>The Spring Boot starter makes the same redefinition earlier still: it loads rasp.jar as soon as
 * the application starts and the launcher redefines one class of its own then
 * ({@code RaspAgent.prepare}); by the time the agent starts, this one finds the dependencies recorded
 * and costs nothing. It stays for the other ways of attaching (jcmd, a tool's attach).
 *
 * <p>JDK 25 records the dependencies from the JVM's start by default (the experimental
 * {@code AlwaysRecordEvolDependencies}, which JDK 21 does not have): there this retransformation marks
 * nothing, and the hooks' own only their dependents.
 */
final class CompiledCodeReset {

    private CompiledCodeReset() {
    }

    static void now(Instrumentation instrumentation) {
        if (!instrumentation.isRetransformClassesSupported()) {
            return;
        }
        try {
            instrumentation.retransformClasses(CompiledCodeReset.class);
        } catch (Throwable t) {
            // nothing lost: the first real retransformation does the same, later
        }
    }
}
