package dev.rasp.bootstrap;

/** A Runnable handed off while serving a request, run with that request's context bound. */
final class ScopedRunnable implements Runnable {

    final Runnable task;
    final TaskCapture capture;

    ScopedRunnable(Runnable task, RequestContext context, String via) {
        this.task = task;
        this.capture = new TaskCapture(this, context, via);
    }

    @Override
    public void run() {
        RequestScope scope = HandOff.begin(capture);
        try {
            task.run();
        } finally {
            HandOff.end(capture, scope);
        }
    }

    @Override
    public String toString() {
        return task.toString(); // executors and their rejection messages print tasks
    }
}
