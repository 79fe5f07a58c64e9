package dev.rasp.it;

import java.time.Duration;

/** The javax.servlet application on embedded Jetty 10: the command and path block-mode tests of {@link CmdPathBlockMode}. */
class JavaxJettyCmdPathBlockModeIT extends CmdPathBlockMode {
    JavaxJettyCmdPathBlockModeIT() {
        super("javax", ItConfig::javaxJar, Duration.ofSeconds(120));
    }
}
