package dev.rasp.spring.boot.install;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** The start stopped because the agent could not be loaded and rasp.attach.required=true. */
public class RaspAgentUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<RaspAgentUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RaspAgentUnavailableException cause) {
        return new FailureAnalysis(
                "The RASP agent could not be loaded into this JVM: " + cause.getProblem()
                        + ".\nrasp.attach.required=true, so the application does not start unprotected.",
                "Start the JVM with -javaagent:rasp.jar, or remove what stops the loading (see above), "
                        + "or set rasp.attach.required=false to start unprotected with an error in the log.",
                cause);
    }
}
