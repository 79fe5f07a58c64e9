package dev.rasp.bootstrap;

/** A Runnable handed off while serving a request, run with that request's context bound. */
class ScopedRunnable implements Runnable {

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
        } catch (RuntimeException e) {
            if (!HandOff.answeredAsyncBlock(scope, e)) {
                throw e;
            }
        } finally {
            HandOff.end(capture, scope);
        }
    }

    @Override
    public String toString() {
        return task.toString(); // executors and their rejection messages print tasks
    }

    /**
     * The wrapper of a Comparable task: executors ordered by priority (a PriorityBlockingQueue
     * behind a ThreadPoolExecutor) compare the tasks they hold, so the wrapper compares as the
     * task it carries.
     */
    static final class Ordered extends ScopedRunnable implements Comparable<Object> {
        Ordered(Runnable task, RequestContext context, String via) {
            super(task, context, via);
        }

        @Override
        @SuppressWarnings({"unchecked", "rawtypes"})
        public int compareTo(Object other) {
            Object theirs = other instanceof ScopedRunnable ? ((ScopedRunnable) other).task : other;
            return ((Comparable) task).compareTo(theirs);
        }
    }
}
