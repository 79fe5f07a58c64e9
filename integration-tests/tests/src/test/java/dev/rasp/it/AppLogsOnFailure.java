package dev.rasp.it;

import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestWatcher;

/** On a failed test (or a failed @BeforeAll), prints what the running applications logged since the last dump. */
public final class AppLogsOnFailure implements TestWatcher, LifecycleMethodExecutionExceptionHandler, BeforeAllCallback,
        BeforeEachCallback {
    @Override
    public void beforeAll(ExtensionContext context) {
        AppProcess.STOPPED_IN_TEST.clear();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        AppProcess.STOPPED_IN_TEST.clear();
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        dump(context.getDisplayName() + " in " + context.getRequiredTestClass().getSimpleName());
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        // skipped by an assumption: nothing to show
    }

    @Override
    public void testSuccessful(ExtensionContext context) {
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable t) throws Throwable {
        dump("@BeforeAll of " + context.getDisplayName() + ": " + t);
        throw t;
    }

    private static void dump(String why) {
        for (AppProcess p : AppProcess.RUNNING) {
            p.printNewLogs(System.out, why);
        }
        for (AppProcess p : AppProcess.STOPPED_IN_TEST) {
            p.printNewLogs(System.out, why);
        }
    }
}
