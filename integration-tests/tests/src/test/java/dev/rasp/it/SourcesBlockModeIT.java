package dev.rasp.it;

import java.time.Duration;

/** Spring Boot 3 / Tomcat 10 in block mode: the input-source table of {@link SourceCases#spring()} ({@link SourcesBlockMode}). */
class SourcesBlockModeIT extends SourcesBlockMode {
    SourcesBlockModeIT() {
        super("spring", ItConfig::springJar, Duration.ofSeconds(180));
    }
}
