package dev.rasp.bootstrap;

import java.util.concurrent.Callable;

/** A Callable handed off while serving a request, called with that request's context bound. */
final class ScopedCallable<V> implements Callable<V> {

    final Callable<V> task;
    final TaskCapture capture;

    ScopedCallable(Callable<V> task, RequestContext context, String via) {
        this.task = task;
        this.capture = new TaskCapture(this, context, via);
    }

    @Override
    public V call() throws Exception {
        RequestScope scope = HandOff.begin(capture);
        try {
            return task.call();
        } finally {
            HandOff.end(capture, scope);
        }
    }

    @Override
    public String toString() {
        return task.toString();
    }
}
