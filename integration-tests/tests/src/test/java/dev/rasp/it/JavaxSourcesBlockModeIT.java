package dev.rasp.it;

import java.time.Duration;

/** The javax.servlet application on Jetty 10 in block mode: the rows of {@link SourceCases#javax()} ({@link SourcesBlockMode}). */
class JavaxSourcesBlockModeIT extends SourcesBlockMode {
    JavaxSourcesBlockModeIT() {
        super("javax", ItConfig::javaxJar, Duration.ofSeconds(120));
    }
}
