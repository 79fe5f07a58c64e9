package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * One row of the command / file tables: an endpoint, its input value(s), and either the rule an attack must be
 * blocked with (plus the side effect the attack has when nothing stops it) or what the benign answer holds.
 *
 * <p>Values are templates, filled in per run ({@link Run}): {@code {M}} a fresh marker path (the injected
 * {@code touch} creates it), {@code {N}} a number unique to the run (file names), {@code {ROOT}} the application's
 * files root ({@code <work>/files}: www/data is the base, www/webroot the uploads, outside holds the secret).
 */
public final class SinkCase {
    /** The seed of the base directory (FileArea in both applications). */
    static final String NOTES = "notes: the quarterly numbers are fine\n";
    static final String REPORT = "report v2: final figures\n";
    static final String HIDDEN = "hidden: a dotfile\n";
    static final String DEEP = "c: a file three levels down\n";
    static final String CWD = "cwd: the application's own file\n";
    /** A line of /etc/passwd. */
    static final String PASSWD = "root:x:0:0:";

    private static final AtomicInteger SEQ = new AtomicInteger();

    final SinkEndpoint endpoint;
    final List<String> values;
    final Map<String, String> extra;
    /** Rule id for an attack, null for a benign case. */
    final String rule;
    /** Attack: what it does when it runs. */
    final Effect effect;
    /** Attack: the values the event's input.value may have (templates); empty: any of {@link #values}. */
    final List<String> eventInputs;
    /** Benign: status and answer. */
    final int status;
    final Check check;
    final String expectation;
    /** Run before the request (create a file to delete, ...). */
    final Prep prep;

    interface Check {
        void check(Run run, Http.Resp r, JsonNode body) throws IOException;
    }

    interface Prep {
        void prepare(Run run) throws IOException;
    }

    private SinkCase(SinkEndpoint endpoint, List<String> values, Map<String, String> extra, String rule, Effect effect,
                     List<String> eventInputs, int status, Check check, String expectation, Prep prep) {
        this.endpoint = endpoint;
        this.values = values;
        this.extra = extra;
        this.rule = rule;
        this.effect = effect;
        this.eventInputs = eventInputs;
        this.status = status;
        this.check = check;
        this.expectation = expectation;
        this.prep = prep;
    }

    boolean isAttack() {
        return rule != null;
    }

    // ------------------------------------------------------------------ building

    static SinkCase attack(SinkEndpoint e, String rule, String value, Effect effect) {
        return new SinkCase(e, List.of(value), Map.of(), rule, effect, List.of(), 403, null, rule, null);
    }

    static SinkCase attack(SinkEndpoint e, String rule, List<String> values, Effect effect) {
        return new SinkCase(e, values, Map.of(), rule, effect, List.of(), 403, null, rule, null);
    }

    static SinkCase benign(SinkEndpoint e, String value, String expectation, Check check) {
        return new SinkCase(e, List.of(value), Map.of(), null, null, List.of(), 200, check, expectation, null);
    }

    static SinkCase benign(SinkEndpoint e, List<String> values, String expectation, Check check) {
        return new SinkCase(e, values, Map.of(), null, null, List.of(), 200, check, expectation, null);
    }

    /** Other parameters of the request (templates). */
    SinkCase with(String param, String value) {
        Map<String, String> x = new LinkedHashMap<>(extra);
        x.put(param, value);
        return new SinkCase(endpoint, values, x, rule, effect, eventInputs, status, check, expectation, prep);
    }

    /** The input the event names (when it is not the value sent: a decoded form, or one of several values). */
    SinkCase eventInput(String... inputs) {
        return new SinkCase(endpoint, values, extra, rule, effect, List.of(inputs), status, check, expectation, prep);
    }

    SinkCase status(int s) {
        return new SinkCase(endpoint, values, extra, rule, effect, eventInputs, s, check, expectation, prep);
    }

    SinkCase before(Prep p) {
        return new SinkCase(endpoint, values, extra, rule, effect, eventInputs, status, check, expectation, p);
    }

    // ------------------------------------------------------------------ one run

    /** A case against one running application, with its templates filled in. */
    static final class Run {
        final SinkCase c;
        final AppProcess app;
        final int n;
        final Path marker;
        final List<String> values;
        final Map<String, String> extra;

        Run(SinkCase c, AppProcess app) {
            this.c = c;
            this.app = app;
            this.n = SEQ.incrementAndGet();
            this.marker = app.markersDir().resolve("m" + n);
            this.values = c.values.stream().map(this::fill).collect(Collectors.toList());
            Map<String, String> x = new LinkedHashMap<>();
            c.extra.forEach((k, v) -> x.put(k, fill(v)));
            this.extra = x;
        }

        String fill(String template) {
            return template.replace("{M}", marker.toString()).replace("{N}", Integer.toString(n))
                .replace("{ROOT}", app.filesRoot().toString());
        }

        Path path(String template) {
            return Path.of(fill(template));
        }

        Path base() {
            return app.filesRoot().resolve("www").resolve("data");
        }

        Set<String> eventInputs() {
            List<String> src = c.eventInputs.isEmpty() ? c.values : c.eventInputs;
            return src.stream().map(this::fill).collect(Collectors.toSet());
        }

        void prepare() {
            try {
                if (c.effect != null) {
                    c.effect.prepare(this);
                }
                if (c.prep != null) {
                    c.prep.prepare(this);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Http.Resp send(Http http) {
            return c.endpoint.send(http, values, extra);
        }

        /** Problems every answer is checked for: the secret and /etc/passwd never show. */
        void checkNoLeak(Http.Resp r, List<String> problems) {
            if (r.body().contains(app.secret())) {
                problems.add("the answer contains the secret of outside/secret.txt");
            }
            if (r.body().contains(PASSWD)) {
                problems.add("the answer contains /etc/passwd");
            }
        }
    }

    // ------------------------------------------------------------------ side effects of attacks

    /** What an attack does when nothing stops it. */
    abstract static class Effect {
        final String description;

        Effect(String description) {
            this.description = description;
        }

        void prepare(Run run) throws IOException {
        }

        abstract boolean happened(Run run, Http.Resp r);

        @Override
        public String toString() {
            return description;
        }

        /** The injected command created the marker {M}. */
        static Effect marker() {
            return new Effect("the injected command creates the marker") {
                @Override
                boolean happened(Run run, Http.Resp r) {
                    return Files.exists(run.marker);
                }
            };
        }

        /** The answer serves the secret of outside/secret.txt. */
        static Effect leaksSecret() {
            return new Effect("the answer serves outside/secret.txt") {
                @Override
                boolean happened(Run run, Http.Resp r) {
                    return r.body().contains(run.app.secret());
                }
            };
        }

        /** The answer contains the text (a file's content, a directory entry). */
        static Effect answerContains(String text) {
            return new Effect("the answer contains '" + text + "'") {
                @Override
                boolean happened(Run run, Http.Resp r) {
                    return r.body().contains(run.fill(text));
                }
            };
        }

        /** The file (a template) gets created. */
        static Effect creates(String pathTemplate) {
            return new Effect("creates " + pathTemplate) {
                @Override
                void prepare(Run run) throws IOException {
                    Files.deleteIfExists(run.path(pathTemplate));
                }

                @Override
                boolean happened(Run run, Http.Resp r) {
                    return Files.exists(run.path(pathTemplate));
                }
            };
        }

        /** The file (a template, created before the request) gets deleted. */
        static Effect deletes(String pathTemplate) {
            return new Effect("deletes " + pathTemplate) {
                @Override
                void prepare(Run run) throws IOException {
                    Path p = run.path(pathTemplate);
                    Files.createDirectories(p.getParent());
                    Files.writeString(p, "victim " + run.n + "\n");
                }

                @Override
                boolean happened(Run run, Http.Resp r) {
                    return !Files.exists(run.path(pathTemplate));
                }
            };
        }

        /** No observable effect on this machine (the JDK or a patched program stops it anyway). */
        static Effect none(String why) {
            return new Effect("none observable: " + why) {
                @Override
                boolean happened(Run run, Http.Resp r) {
                    return false;
                }
            };
        }

        boolean observable() {
            return !description.startsWith("none observable");
        }
    }

    // ------------------------------------------------------------------ checks of benign answers

    /** {"exit": n, "output": ...}: the exit status and a piece of the output. */
    static Check exitAndOutput(int exit, String contains) {
        return (run, r, body) -> {
            assertEquals(exit, body.path("exit").asInt(-99), "exit status in " + body);
            assertTrue(body.path("output").asText().contains(run.fill(contains)),
                "output lacks '" + run.fill(contains) + "': " + body);
        };
    }

    /** The process ran (any exit status) and the marker {M} was not created (its metacharacters stayed data). */
    static Check ranWithoutMarker(String contains) {
        return (run, r, body) -> {
            assertTrue(body.has("exit"), "no exit status in " + body);
            assertTrue(body.path("output").asText().contains(run.fill(contains)),
                "output lacks '" + run.fill(contains) + "': " + body);
            assertTrue(!Files.exists(run.marker), "the marker was created: a shell ran the input");
        };
    }

    static Check content(String want) {
        return (run, r, body) -> assertEquals(want, body.path("content").asText(null), "content in " + body);
    }

    static Check entries(String... want) {
        return (run, r, body) -> {
            List<String> got = new ArrayList<>();
            body.path("entries").forEach(n -> got.add(n.asText()));
            assertEquals(List.of(want), got, "entries in " + body);
        };
    }

    /** The file (template) exists afterwards with this content. */
    static Check fileHolds(String pathTemplate, String content) {
        return (run, r, body) -> {
            Path p = run.path(pathTemplate);
            assertTrue(Files.exists(p), p + " was not written; answer " + body);
            assertEquals(content, Files.readString(p, StandardCharsets.UTF_8), "content of " + p);
        };
    }

    static Check fileExists(String pathTemplate) {
        return (run, r, body) -> assertTrue(Files.exists(run.path(pathTemplate)), run.fill(pathTemplate) + " missing; " + body);
    }

    static Check fileGone(String pathTemplate) {
        return (run, r, body) -> assertTrue(!Files.exists(run.path(pathTemplate)), run.fill(pathTemplate) + " still there; " + body);
    }

    static Check all(Check... checks) {
        return (run, r, body) -> {
            for (Check c : checks) {
                c.check(run, r, body);
            }
        };
    }

    static Prep createFile(String pathTemplate) {
        return run -> {
            Path p = run.path(pathTemplate);
            Files.createDirectories(p.getParent());
            Files.writeString(p, "to be deleted " + run.n + "\n");
        };
    }

    @Override
    public String toString() {
        String v = values.size() == 1 ? values.get(0) : values.toString();
        v = v.replace("\n", "\\n").replace("\u0000", "\\0");
        String x = extra.isEmpty() ? "" : " " + extra;
        return endpoint.describe() + " <- " + v + x + (isAttack() ? "  => " + rule : "  (benign: " + expectation + ")");
    }
}
