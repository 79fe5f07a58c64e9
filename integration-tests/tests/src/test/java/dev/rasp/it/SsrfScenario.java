package dev.rasp.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Spring app (or the javax app on Jetty) started for the SSRF cases, next to its internal service: it resolves
 * names from the service's hosts file, knows the service as its own ({@code -Dssrf.service}) and allows
 * {@code partner.test}.
 */
final class SsrfScenario implements AutoCloseable {
    final InternalService service;
    final AppProcess app;
    final Scenario s;

    final boolean javax;

    SsrfScenario(String name, boolean agent) {
        this(name, agent, false);
    }

    SsrfScenario(String name, boolean agent, boolean javax) {
        this.javax = javax;
        try {
            service = new InternalService();
            Path hosts = InternalService.hostsFile(Files.createTempDirectory("rasp-it-hosts"));
            AppProcess.Builder b = (javax ? AppProcess.builder(name, ItConfig.javaxJar()) : SpringBlockModeIT.springApp(name))
                .jvmArg("-Djdk.net.hosts.file=" + hosts)
                .jvmArg("-Dssrf.service=" + service.base())
                .jvmArg("-Drasp.ssrf.allowed_hosts=partner.test");
            if (agent) {
                b.mode("block");
            } else {
                b.withoutAgent();
            }
            app = b.start().awaitReady(Duration.ofSeconds(180));
            s = new Scenario(app);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The attacks this app has endpoints for (the javax app: /ssrf/fetch and /ssrf/socket). */
    java.util.List<SsrfCases.Attack> attacks() {
        return SsrfCases.attacks(service.port(), secretFile()).stream().filter(a -> !javax || SsrfCases.inJavaxApp(a.target())).toList();
    }

    java.util.List<SsrfCases.Twin> twins() {
        return SsrfCases.twins(service.port()).stream().filter(t -> !javax || SsrfCases.inJavaxApp(t.target())).toList();
    }

    Path secretFile() {
        return app.filesRoot().resolve("outside").resolve("secret.txt");
    }

    /** Whether the answer carries the secret the attack is after. */
    boolean leaked(SsrfCases.Attack c, Http.Resp r) {
        return r.body().contains(service.secret) || r.body().contains(app.secret());
    }

    @Override
    public void close() {
        if (app != null) {
            app.stop();
        }
        service.close();
    }
}
