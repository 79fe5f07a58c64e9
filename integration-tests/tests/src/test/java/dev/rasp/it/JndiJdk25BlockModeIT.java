package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Spring app on JDK 25 (Temurin) with rasp.jar in block mode: the three JNDI hook points (InitialContext, the URL
 * contexts' getRootURLContext in java.naming and jdk.naming.rmi, NamingManager.getInitialContext) have the same
 * shapes there, so every {@link JndiCases} attack is blocked with its hook as {@code sink.api}, every twin served, and
 * a stored Log4Shell payload logged by the background thread blocked by the policy ({@link JndiBlockModeIT} on the
 * build's JDK 17).
 */
@ExtendWith(AppLogsOnFailure.class)
class JndiJdk25BlockModeIT {
    static LookupTrap trap;
    static AppProcess app;
    static Scenario scenario;

    @BeforeAll
    static void start() {
        if (!Files.isExecutable(ItConfig.jdk25Java())) {
            Assumptions.assumeFalse(ItConfig.skipJdk25(), "JDK 25 skipped (-Drasp.it.skipJdk25=true)");
            fail("JDK 25 not found at " + ItConfig.jdk25Java() + " (set -Drasp.it.jdk25.home=<jdk dir>), "
                + "or pass -Drasp.it.skipJdk25=true to skip the JDK 25 tests");
        }
        trap = new LookupTrap();
        app = SpringBlockModeIT.springApp("spring-jndi-jdk25").java(ItConfig.jdk25Java()).mode("block")
            .jvmArg("-Drasp.rules.mode.jndi.policy.remote=block").jvmArg("-Drasp.jndi.allowed_hosts=localhost").start()
            .awaitReady(Duration.ofSeconds(180));
        scenario = new Scenario(app);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.stop();
        }
        if (trap != null) {
            trap.close();
        }
    }

    @Test
    void attacksAreBlockedAndTwinsServed() {
        for (JndiCases.Attack c : JndiCases.attacks("spring", trap.port())) {
            JndiBlockModeIT.blockedOrFail(scenario, trap, c);
        }
        for (JndiCases.Twin c : JndiCases.twins("spring")) {
            JndiBlockModeIT.servedOrFail(scenario, c);
        }
    }

    @Test
    void storedPayloadLoggedOutsideARequestIsBlocked() {
        JndiBlockModeIT.storedPayloadBlockedOrFail(scenario, trap);
    }
}
