package dev.rasp.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An application with rasp.jar in block mode against the input-source table of {@link SourceCases}: every attack,
 * however the request carries it (a declared form charset, a BOM, trailing data, deep nesting, UTF-16/32, lenient
 * JSON, XML character references, cookie and path quirks, multipart file-name quirks, zip entry names, a large
 * upload), is answered 403 with the contract body and exactly one blocked event that names the input as the
 * application read it, and has no effect; every twin sent the very same way is served without an event.
 *
 * <p>One application per subclass (state per instance), as in {@link CmdPathBlockMode}.
 */
@ExtendWith(AppLogsOnFailure.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SourcesBlockMode {
    private final String appName;
    private final Supplier<Path> jar;
    private final Duration readyWithin;
    private AppProcess app;
    private SourceScenario s;

    SourcesBlockMode(String appName, Supplier<Path> jar, Duration readyWithin) {
        this.appName = appName;
        this.jar = jar;
        this.readyWithin = readyWithin;
    }

    @BeforeAll
    void start() {
        String name = appName + "-sources-block";
        // the Spring app as the other block-mode classes start it, so that they share one (SharedApps)
        AppProcess.Builder b = "spring".equals(appName) ? SpringBlockModeIT.springApp(name) : AppProcess.builder(name, jar.get());
        app = b.mode("block").startShared(readyWithin);
        s = new SourceScenario(app);
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.release();
        }
    }

    Stream<SourceCase> cases() {
        return SourceCases.table(appName).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void attackIsBlocked(SourceCase c) {
        s.assertBlocked(c);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void benignTwinPasses(SourceCase c) {
        s.assertBenign(c);
    }
}
