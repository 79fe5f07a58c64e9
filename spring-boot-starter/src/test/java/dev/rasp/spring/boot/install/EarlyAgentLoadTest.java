package dev.rasp.spring.boot.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What keeps the early load out, read where Spring would see it before its property files: the command
 * line (the last occurrence wins), system properties, the environment in Spring's spelling and the
 * agent's RASP_MODE.
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
}
