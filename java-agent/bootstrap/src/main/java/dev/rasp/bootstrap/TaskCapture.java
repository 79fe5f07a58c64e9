package dev.rasp.bootstrap;

import java.lang.ref.PhantomReference;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request's context captured for one task handed to an executor (a wrapper of it, or a
 * ForkJoinTask or TimerTask itself, which cannot be wrapped): one reference on the
 * {@link RequestContext}, given back exactly once, whichever comes first: the task ran, the
 * hand-off failed (the executor rejected it), or the task became garbage without ever running
 * (discarded, or dropped by shutdownNow): this object is a phantom reference to the task
 * wrapper, so the collector tells {@link HandOff}'s reaper about that last case.
 */
final class TaskCapture extends PhantomReference<Object> {

    final RequestContext context;
    private final String via;
    private final AtomicBoolean settled = new AtomicBoolean();
    /** For a task captured in place (a ForkJoinTask or TimerTask: no wrapper), its key in HandOff's in-place map, else null. */
    final Object inPlaceKey;

    TaskCapture(Object wrapper, RequestContext context, String via) {
        this(wrapper, context, via, null);
    }

    TaskCapture(Object task, RequestContext context, String via, Object inPlaceKey) {
        super(task, HandOff.QUEUE);
        this.context = context;
        this.via = via;
        this.inPlaceKey = inPlaceKey;
        HandOff.OUTSTANDING.put(this, Boolean.TRUE);
    }

    /**
     * The task starts on this thread: binds the context. Returns the binding, which holds one
     * reference, or null when the request is already over (a task run a second time after
     * its request ended runs unbound).
     */
    RequestScope begin() {
        if (!settle() && !context.retain()) {
            return null; // the capture's own reference was given back already; the request is over
        }
        return RaspBridge.bind(context, via);
    }

    void end(RequestScope scope) {
        if (scope != null) {
            RaspBridge.unbind(scope);
            context.release();
        }
    }

    /** The hand-off failed or the task was collected unrun: gives the reference back unless the task ran. */
    boolean abandon() {
        if (!settle()) {
            return false;
        }
        context.release();
        return true;
    }

    /** First settlement wins: leaves the registry, stops the collector from reporting it. */
    private boolean settle() {
        if (!settled.compareAndSet(false, true)) {
            return false;
        }
        HandOff.OUTSTANDING.remove(this);
        if (inPlaceKey != null) {
            HandOff.forgetInPlace(inPlaceKey);
        }
        clear();
        return true;
    }
}
