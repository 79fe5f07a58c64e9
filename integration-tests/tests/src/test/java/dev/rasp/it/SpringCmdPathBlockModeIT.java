package dev.rasp.it;

import java.time.Duration;

/** Spring Boot 3 / Tomcat 10: the command and path block-mode tests of {@link CmdPathBlockMode}. */
class SpringCmdPathBlockModeIT extends CmdPathBlockMode {
    SpringCmdPathBlockModeIT() {
        super("spring", ItConfig::springJar, Duration.ofSeconds(180));
    }
}
