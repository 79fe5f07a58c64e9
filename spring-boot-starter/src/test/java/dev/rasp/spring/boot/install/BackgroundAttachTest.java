package dev.rasp.spring.boot.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The background attach in a real Spring application context: the context is created while the
 * agent loads, and no lifecycle bean (the web server's, a listener container's) starts before the
 * outcome is reported. The load itself is a stand-in here; the integration tests attach for real.
 */
class BackgroundAttachTest {

    /** What happened, in order, across the loading thread, the report and the lifecycle beans. */
    static final List<String> EVENTS = new CopyOnWriteArrayList<>();

    /** Stands for the web server: a lifecycle bean in the default phase, which starts the port. */
    @Configuration(proxyBeanMethods = false)
    static class App {
        @Bean
        SmartLifecycle webServer() {
            return new SmartLifecycle() {
                private volatile boolean running;

                @Override
                public void start() {
                    EVENTS.add("web server started");
                    running = true;
                }

                @Override
                public void stop() {
                    running = false;
                }

                @Override
                public boolean isRunning() {
                    return running;
                }
            };
        }
    }

    /**
     * An application with the starter kept from loading the real agent into the test JVM: its early load
     * reads only the command line (NO_AGENT), its post-processor the properties.
     */
    private static SpringApplication application() {
        SpringApplication app = new SpringApplication(App.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.setLogStartupInfo(false);
        app.setDefaultProperties(Map.of("rasp.attach.enabled", "false"));
        return app;
    }

    private static ConfigurableApplicationContext run(BackgroundAttach attach) {
        SpringApplication app = application();
        app.addInitializers(attach.gate());
        return app.run(NO_AGENT);
    }

    private static final String[] NO_AGENT = {"--rasp.attach.early=false"};

    @AfterEach
    void forget() {
        RaspAgentEnvironmentPostProcessor.reset();
    }

    private static AgentLoader.Result loaded() {
        return new AgentLoader.Result(true, AgentLoader.HELPER_JVM, 1, null);
    }

    @Test
    void theContextIsCreatedWhileTheAgentLoadsAndNothingStartsBeforeTheOutcome() throws Exception {
        EVENTS.clear();
        CountDownLatch contextCreated = new CountDownLatch(1);
        BackgroundAttach attach = new BackgroundAttach(() -> {
            try {
                // still loading when the context's beans are made: the load only ends after that
                contextCreated.await(10, TimeUnit.SECONDS);
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            EVENTS.add("agent loaded");
            return loaded();
        }, 30_000, r -> EVENTS.add("reported loaded=" + r.loaded()));
        attach.begin();
        SpringApplication app = application();
        app.addInitializers(attach.gate(), context -> {
            EVENTS.add("context created");
            contextCreated.countDown();
        });
        try (ConfigurableApplicationContext context = app.run(NO_AGENT)) {
            assertThat(context.getBean(BackgroundAttach.BEAN_NAME)).isSameAs(attach);
            assertThat(EVENTS).containsExactly("context created", "agent loaded", "reported loaded=true",
                    "web server started");
        }
    }

    @Test
    void theOutcomeIsReportedOnceForTwoContexts() {
        EVENTS.clear();
        BackgroundAttach attach = new BackgroundAttach(BackgroundAttachTest::loaded, 30_000, r -> EVENTS.add("reported"));
        attach.begin();
        try (ConfigurableApplicationContext first = run(attach)) {
            try (ConfigurableApplicationContext second = run(attach)) {
                assertThat(EVENTS.stream().filter("reported"::equals)).hasSize(1);
                assertThat(EVENTS.stream().filter("web server started"::equals)).hasSize(2);
            }
        }
    }

    @Test
    void aReportThatStopsTheStartFailsTheContextBeforeTheWebServerStarts() {
        EVENTS.clear();
        BackgroundAttach attach = new BackgroundAttach(
                () -> new AgentLoader.Result(false, AgentLoader.HELPER_JVM, 5, "the helper JVM exited with status 3"), 30_000,
                r -> {
                    throw new RaspAgentUnavailableException(r.problem());
                });
        attach.begin();
        assertThatThrownBy(() -> run(attach))
                .hasRootCauseInstanceOf(RaspAgentUnavailableException.class)
                .rootCause().hasMessageContaining("the helper JVM exited with status 3");
        assertThat(EVENTS).doesNotContain("web server started");
    }

    @Test
    void aLoadThatDoesNotEndInTimeIsReportedAsAFailure() {
        AtomicReference<AgentLoader.Result> reported = new AtomicReference<>();
        CountDownLatch never = new CountDownLatch(1);
        BackgroundAttach attach = new BackgroundAttach(() -> {
            try {
                never.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return loaded();
        }, 200, reported::set);
        attach.begin();
        try {
            attach.awaitAndReport();
            assertThat(reported.get().loaded()).isFalse();
            assertThat(reported.get().problem()).isEqualTo("loading the agent did not finish within 200 ms");
        } finally {
            never.countDown();
        }
    }

    @Test
    void aLoaderThatThrowsIsReportedAsAFailure() {
        AtomicReference<AgentLoader.Result> reported = new AtomicReference<>();
        BackgroundAttach attach = new BackgroundAttach(() -> {
            throw new IllegalStateException("no attach provider");
        }, 30_000, reported::set);
        attach.begin();
        attach.awaitAndReport();
        assertThat(reported.get().loaded()).isFalse();
        assertThat(reported.get().problem()).isEqualTo("loading the agent failed: java.lang.IllegalStateException: no attach provider");
    }
}
