package dev.rasp.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An application with rasp.jar in block mode: every command-injection and path attack of {@link SinkCases} is answered 403
 * with one blocked event and has no side effect; every benign twin passes without an event.
 *
 * <p>The tests are the same for every application; a subclass per application names it, its jar and how long it may take
 * to start. Its state is per instance (one instance per class), so that two applications never share one.
 */
@ExtendWith(AppLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CmdPathBlockMode {
    private final String appName;
    private final Supplier<Path> jar;
    private final Duration readyWithin;
    private AppProcess app;
    private SinkScenario s;

    /**
     * @param appName the application as {@link SinkCases} and the event checks name it ({@code javax}, {@code spring})
     * @param jar where its jar is, looked up when it starts so that a missing jar fails the start with its logs
     * @param readyWithin how long it may take to answer after starting
     */
    CmdPathBlockMode(String appName, Supplier<Path> jar, Duration readyWithin) {
        this.appName = appName;
        this.jar = jar;
        this.readyWithin = readyWithin;
    }

    @BeforeAll
    void start() {
        String name = appName + "-cmdpath-block";
        // the Spring app as the other block-mode classes start it, so that they share one (SharedApps)
        AppProcess.Builder b = "spring".equals(appName) ? SpringBlockModeIT.springApp(name) : AppProcess.builder(name, jar.get());
        app = b.mode("block").startShared(readyWithin);
        s = new SinkScenario(app);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.release();
        }
    }

    Stream<SinkCase> attacks() {
        return SinkCases.attackTable(appName).stream();
    }

    Stream<SinkCase> benign() {
        return SinkCases.benignTable(appName).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void attackIsBlocked(SinkCase c) {
        s.assertBlocked(c);
    }

    @Test
    void pathEventsNameTheOp() {
        s.assertPathEventsNameTheOp(appName);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("benign")
    void benignTwinPasses(SinkCase c) {
        s.assertBenign(c);
    }
}
