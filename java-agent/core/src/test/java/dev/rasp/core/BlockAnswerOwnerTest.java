package dev.rasp.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rasp.bootstrap.RequestContext;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Who writes the 403 of a block a task ran into (RequestContext.blockFromTask / servingThreadLeft): exactly one
 * thread, whatever the order. Two writers on one response race: a 500 status over the 403 body was seen on Tomcat
 * when the serving thread's exit wrote the 403 of an AsyncContext.start task's block while Tomcat, catching the block
 * exception that left the runnable, set the status to 500.
 */
class BlockAnswerOwnerTest {
    private static final byte[] BODY = "{\"blocked\":true}".getBytes(StandardCharsets.UTF_8);

    private static RequestContext context() {
        return new RequestContext(null, null, 0);
    }

    @Test
    void aTaskOfARequestNotInAsyncModeLeavesTheAnswerToTheServingThread() {
        RequestContext c = context();
        assertEquals(RequestContext.RESPONSE_DEFERRED, c.blockFromTask(BODY, false));
        assertTrue(c.servingThreadLeft(null), "the serving thread's exit writes the 403");
    }

    @Test
    void aTaskOfARequestInAsyncModeAnswersItselfAndTheServingThreadDoesNot() {
        RequestContext c = context();
        assertEquals(RequestContext.RESPONSE_NONE, c.blockFromTask(BODY, true));
        assertFalse(c.servingThreadLeft(new Object()), "the task wrote the 403; the exit must leave the response alone");
        assertTrue(c.blocked);
    }

    @Test
    void aTaskAfterTheServingThreadLeftAnswersThroughWhatItLeft() {
        RequestContext c = context();
        Object async = new Object();
        assertFalse(c.servingThreadLeft(async));
        assertEquals(RequestContext.RESPONSE_NONE, c.blockFromTask(BODY, true));
        assertEquals(async, c.asyncContext());
    }

    @Test
    void theServingThreadsOwnBlockIsStillItsToRewriteAtItsExit() {
        RequestContext c = context();
        c.blocked = true;
        c.blockResponseBody = BODY;
        assertTrue(c.servingThreadLeft(null));
    }
}
