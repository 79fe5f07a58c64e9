package dev.rasp.it;

/**
 * {@link PolicyRulesIT}'s attacks and benign twins with the built-in set scanned by the portable backend
 * ({@code rasp.rules.backend=portable}). The agent reads the built-in set from rasp.jar only up to the end of its
 * Hyperscan part (docs/rules.md §3); the portable backend needs the DFA sections after it, so this JVM must have
 * been given the whole file: were it not, the set would not load and the policy rules would not fire.
 */
class PolicyRulesPortableIT extends PolicyRulesIT {

    @Override
    protected String appName() {
        return "spring-policy-rules-portable";
    }

    @Override
    protected AppProcess.Builder configure(AppProcess.Builder b) {
        return b.jvmArg("-Drasp.rules.backend=portable");
    }

    @Override
    protected String expectedBackend() {
        return "portable";
    }
}
