package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Without the agent every attack of {@link XxeCases} works on both apps (Spring Boot 3 / Tomcat and javax / Jetty): the
 * secret file is served, the loopback listener is reached, the bomb expands to 100 MB; every twin is served. This is
 * what makes {@link XxeBlockModeIT} meaningful.
 */
@ExtendWith(AppLogsOnFailure.class)
class XxeVulnerableWithoutAgentIT {
    static AppProcess spring;
    static AppProcess javax;
    static XxeCases.Listener listener;

    @BeforeAll
    static void start() throws Exception {
        listener = new XxeCases.Listener();
        spring = SpringBlockModeIT.springApp("spring-xxe-noagent").withoutAgent().startShared(Duration.ofSeconds(180));
        javax = AppProcess.builder("javax-xxe-noagent", ItConfig.javaxJar()).withoutAgent().startShared(Duration.ofSeconds(120));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AppProcess a : new AppProcess[] {spring, javax}) {
            if (a != null) {
                a.release();
            }
        }
        if (listener != null) {
            listener.close();
        }
    }

    static Stream<Arguments> attacks() {
        return Stream.of(spring, javax).flatMap(a -> XxeCases.attacks(a, listener).stream().map(c -> Arguments.of(a.name(), c)));
    }

    static Stream<Arguments> twins() {
        return Stream.of("spring", "javax").flatMap(a -> XxeCases.twins(a).stream().map(c -> Arguments.of(a, c)));
    }

    static AppProcess app(String name) {
        return name.startsWith("spring") ? spring : javax;
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("attacks")
    void attackTakesEffect(String appName, XxeCases.Attack c) throws Exception {
        AppProcess app = app(appName);
        String secret = XxeCases.writeSecret(app);
        int before = listener.hits();
        Http.Resp r = XxeCases.send(new Http(app.baseUrl()), c);
        if (r.status() != 200 || !XxeCases.tookEffect(c, r, secret, listener, before)) {
            fail(c + " did not take effect (" + c.effect() + ") without the agent: " + abbreviated(r));
        }
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("twins")
    void twinIsServed(String appName, XxeCases.Twin c) {
        List<String> problems = twinProblems(c, XxeCases.send(new Http(app(appName).baseUrl()), c.method(), c.path(), c.body()));
        if (!problems.isEmpty()) {
            fail(c + "\n  - " + String.join("\n  - ", problems));
        }
    }

    static List<String> twinProblems(XxeCases.Twin c, Http.Resp r) {
        List<String> problems = new ArrayList<>();
        if (r.status() != 200) {
            problems.add("status " + r.status() + ", expected 200: " + abbreviated(r));
        }
        if (!r.body().contains(c.expect())) {
            problems.add("the answer lacks " + c.expect() + ": " + abbreviated(r));
        }
        return problems;
    }

    static String abbreviated(Http.Resp r) {
        String b = r.body();
        return r.status() + " " + (b.length() > 300 ? b.substring(0, 300) + "..." : b);
    }
}
