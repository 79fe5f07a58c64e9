package dev.rasp.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.diagnostics.FailureAnalysis;

class RaspConfigurationFailureAnalyzerTest {

    @Test
    void theReportNamesKeyValueOriginAndFix() {
        RaspConfigurationException e = new RaspConfigurationException("rasp.mode", "blok",
                "class path resource [application.properties] - 3:11", "use block, monitor or off");
        FailureAnalysis a = new RaspConfigurationFailureAnalyzer().analyze(new IllegalStateException("wrapper", e));
        assertThat(a).isNotNull();
        assertThat(a.getDescription())
                .contains("Property: rasp.mode")
                .contains("Value: \"blok\"")
                .contains("Origin: class path resource [application.properties] - 3:11")
                .contains("Reason: use block, monitor or off");
        assertThat(a.getAction()).startsWith("Update rasp.mode: use block, monitor or off.");
        assertThat(a.getCause()).isSameAs(e);
    }

    @Test
    void aWrongKeyHasNoValueLine() {
        RaspConfigurationException e = new RaspConfigurationException("rasp.rules.mode.Sqli", null, null, "a rule id is ...");
        FailureAnalysis a = new RaspConfigurationFailureAnalyzer().analyze(e);
        assertThat(a.getDescription()).contains("'rasp.rules.mode.Sqli' is not valid").doesNotContain("Value:").doesNotContain("Origin:");
    }

    @Test
    void controlCharactersStayOnOneLine() {
        RaspConfigurationException e = new RaspConfigurationException("rasp.events.file", "a\nb", null, "fix");
        assertThat(e.getMessage()).contains("'a\\u000ab'").doesNotContain("\n");
    }
}
