package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The JDK 25 smoke set again, with Spring Boot serving requests on virtual threads: a request's
 * code may move between carrier threads, so the agent keeps its request scope in a Java
 * ThreadLocal (per virtual thread) and the engine's context behind a handle, never in native
 * thread-local state.
 */
class SpringJdk25VirtualThreadsIT extends SpringJdk25SmokeIT {

    @Override
    String[] appArgs() {
        return new String[] {"--spring.threads.virtual.enabled=true"};
    }

    @Override
    String name() {
        return "spring-jdk25-virtual";
    }

    @Test
    void requestsAreServedOnVirtualThreads() {
        Http.Resp r = new Http(app.baseUrl()).get("/thread");
        assertEquals(200, r.status(), r.toString());
        assertTrue(Scenario.json(r.body()).path("virtual").asBoolean(), "served on a virtual thread: " + r.body());
    }
}
