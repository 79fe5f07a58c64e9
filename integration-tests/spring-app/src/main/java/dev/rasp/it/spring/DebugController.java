package dev.rasp.it.spring;

import java.lang.reflect.Method;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** Test support: a garbage collection on demand, and the agent's engine counters (read by reflection). */
@RestController
public class DebugController {
    /** {@code System.gc()} a few times (the agent releases the contexts of tasks that were dropped unrun). */
    @PostMapping("/debug/gc")
    public Map<String, Object> gc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return Map.of("gc", true);
    }

    /**
     * {@code dev.rasp.bootstrap.RaspTelemetry.engineStats()} (a JSON string with contexts_live, ...); 404 without
     * the agent.
     */
    @GetMapping("/debug/rasp-stats")
    public ResponseEntity<String> raspStats() throws ReflectiveOperationException {
        Class<?> telemetry;
        try {
            telemetry = Class.forName("dev.rasp.bootstrap.RaspTelemetry");
        } catch (ClassNotFoundException e) {
            return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON)
                .body("{\"error\":\"no agent: dev.rasp.bootstrap.RaspTelemetry is not loaded\"}");
        }
        Method m = telemetry.getMethod("engineStats");
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(String.valueOf(m.invoke(null)));
    }
}
