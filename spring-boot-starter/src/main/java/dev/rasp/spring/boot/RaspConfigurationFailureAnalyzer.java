package dev.rasp.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a {@link RaspConfigurationException} into Spring Boot's "APPLICATION FAILED TO START" report. */
public class RaspConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<RaspConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, RaspConfigurationException cause) {
        StringBuilder description = new StringBuilder();
        if (cause.getValue() == null) {
            description.append("The RASP property '").append(cause.getProperty()).append("' is not valid.\n");
        } else {
            description.append("Invalid value for the RASP property '").append(cause.getProperty()).append("'.\n");
        }
        description.append("\n    Property: ").append(cause.getProperty());
        if (cause.getValue() != null) {
            description.append("\n    Value: \"").append(RaspConfigurationException.printable(cause.getValue())).append('"');
        }
        if (cause.getOrigin() != null) {
            description.append("\n    Origin: ").append(cause.getOrigin());
        }
        description.append("\n    Reason: ").append(cause.getFix());
        String action = "Update " + cause.getProperty() + ": " + cause.getFix() + ".\n"
                + "The RASP agent is only loaded with a configuration it accepts, so the application does not start "
                + "until then (it would otherwise run without the protection it asks for).";
        return new FailureAnalysis(description.toString(), action, cause);
    }
}
