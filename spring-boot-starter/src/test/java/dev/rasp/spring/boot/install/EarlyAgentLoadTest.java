package dev.rasp.spring.boot.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * What keeps the early load out, read where Spring would see it before its property files: the command
 * line (the last occurrence wins), system properties, the environment in Spring's spelling and the
 * agent's RASP_MODE. And what the post-processor gets when the early load did not work out: a failure
 * that says why, never a silent pass (the load itself is a stand-in here; StarterIT loads for real).
 */
class EarlyAgentLoadTest {

    private static final String[] NO_ARGS = {};

    @Test
    void nothingSaidLoadsEarlyInAPlainJvm() {
        assertNull(EarlyAgentLoad.skipReason(NO_ARGS, Map.of()));
        assertNull(EarlyAgentLoad.skipReason(new String[] {"--rasp.attach.early=true", "--server.port=0"}, Map.of()));
    }

    @Test
    void theCommandLineKeepsItOut() {
        assertEquals("rasp.attach.early=false", EarlyAgentLoad.skipReason(new String[] {"--rasp.attach.early=false"}, Map.of()));
        assertEquals("rasp.attach.enabled=false",
                EarlyAgentLoad.skipReason(new String[] {"--rasp.attach.enabled=true", "--rasp.attach.enabled=FALSE"}, Map.of()));
        assertEquals("rasp.mode=off", EarlyAgentLoad.skipReason(new String[] {"--rasp.mode= Off "}, Map.of()));
        assertNull(EarlyAgentLoad.skipReason(new String[] {"--rasp.attach.enabled=false", "--rasp.attach.enabled=true"}, Map.of()));
    }

    @Test
    void theEnvironmentKeepsItOut() {
        assertEquals("rasp.attach.early=false", EarlyAgentLoad.skipReason(NO_ARGS, Map.of("RASP_ATTACH_EARLY", "false")));
        assertEquals("rasp.attach.enabled=false", EarlyAgentLoad.skipReason(NO_ARGS, Map.of("RASP_ATTACH_ENABLED", "false")));
        assertEquals("rasp.mode=off", EarlyAgentLoad.skipReason(NO_ARGS, Map.of("RASP_MODE", "off")));
        assertNull(EarlyAgentLoad.skipReason(NO_ARGS, Map.of("RASP_MODE", "monitor")));
    }

    @Test
    void aSystemPropertyKeepsItOutAndTheCommandLineWinsOverIt() {
        System.setProperty("rasp.attach.early", "false");
        try {
            assertEquals("rasp.attach.early=false", EarlyAgentLoad.skipReason(NO_ARGS, Map.of()));
            assertNull(EarlyAgentLoad.skipReason(new String[] {"--rasp.attach.early=true"}, Map.of()));
        } finally {
            System.clearProperty("rasp.attach.early");
        }
    }

    @Test
    void aFailedLoadIsReportedAsItFailed() {
        EarlyAgentLoad.Load load = new EarlyAgentLoad.Load(
                () -> new AgentLoader.Result(false, AgentLoader.IN_PROCESS, 7, "JVMTI.agent_load: return code: 100"));
        load.begin();
        AgentLoader.Result r = load.finish(Duration.ofSeconds(30));
        assertFalse(r.loaded());
        assertEquals("JVMTI.agent_load: return code: 100", r.problem());
    }

    @Test
    void aLoadThatThrowsIsAFailureNamingTheThrowable() {
        EarlyAgentLoad.Load load = new EarlyAgentLoad.Load(() -> {
            throw new IllegalStateException("no MBean server today");
        });
        load.begin();
        AgentLoader.Result r = load.finish(Duration.ofSeconds(30));
        assertFalse(r.loaded());
        assertTrue(r.problem().contains("loading the agent failed: java.lang.IllegalStateException: no MBean server today"),
                r.problem());
    }

    @Test
    void aLoadThatDoesNotFinishInTimeIsAFailureNamingTheTimeout() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        EarlyAgentLoad.Load load = new EarlyAgentLoad.Load(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new AgentLoader.Result(true, AgentLoader.IN_PROCESS, 1, null);
        });
        load.begin();
        try {
            AgentLoader.Result r = load.finish(Duration.ofMillis(50));
            assertFalse(r.loaded());
            assertTrue(r.problem().contains("did not finish within") && r.problem().contains("rasp.attach.timeout"), r.problem());
            assertEquals(-1, load.loadMillis());
        } finally {
            release.countDown();
        }
    }

    /** A load that says it worked, but left no prepared launcher on the system class path (not rasp.jar). */
    @Test
    void aLoadWithoutTheLaunchersPreparedAgentIsAFailureNotAPass() {
        EarlyAgentLoad.Load load = new EarlyAgentLoad.Load(() -> new AgentLoader.Result(true, AgentLoader.IN_PROCESS, 3, null));
        load.begin();
        AgentLoader.Result r = load.finish(Duration.ofSeconds(30));
        assertFalse(r.loaded());
        assertTrue(r.problem().startsWith("starting the agent failed: "), r.problem());
        assertEquals(3, load.loadMillis());
    }
}
