package dev.rasp.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One row of the input-source tables ({@link SourceCases}): a way of carrying a value to an endpoint of
 * {@code /sources/...} (an encoding, a format, a parser's quirk) that the application reads one way and a naive raw
 * parse of the request bytes reads another, with an attack value and its benign twin sent the very same way.
 *
 * <p>SQL rows: the value ends up in {@code ... WHERE name = '<value>' AND role <> 'locked'}; the attack returns every
 * row, the twin (alice) exactly alice, and the application says in {@code X-Seen-Name} which value it used. Path rows:
 * the value is a file name (multipart part, zip entry); the attack writes {@link #effectFile} outside the upload
 * area, the twin a file inside it. Values are templates: {@code {N}} is a number unique to the run.
 */
public final class SourceCase {
    /** The attack of the SQL rows. */
    static final String TAUTOLOGY = "' OR '1'='1";

    enum Kind {
        SQL("sqli"), PATH("path");

        final String category;

        Kind(String category) {
            this.category = category;
        }
    }

    /** The request that carries one value. */
    record Req(String method, String target, String contentType, byte[] body, List<String> headers) {
        Http.Resp send(Http http) {
            return http.sendBytes(method, target, contentType, body, headers.toArray(new String[0]));
        }

        @Override
        public String toString() {
            String b = body == null ? "" : " (" + body.length + " bytes" + (body.length <= 300 ? ": " + printable(body) : "") + ")";
            return method + " " + target + (contentType == null ? "" : " [" + contentType + "]") + (headers.isEmpty() ? "" : " " + headers) + b;
        }

        static String printable(byte[] b) {
            StringBuilder s = new StringBuilder();
            for (byte x : b) {
                int c = x & 0xff;
                s.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : c == '\r' ? "\\r" : c == '\n' ? "\\n" : String.format("\\x%02x", c));
            }
            return s.toString();
        }
    }

    /** What the twin's answer must hold (path rows; SQL twins are checked by their names and X-Seen-Name). */
    interface Check {
        void check(Run run, Http.Resp r, JsonNode body) throws IOException;
    }

    private static final AtomicInteger SEQ = new AtomicInteger();

    final String app;
    final String id;
    /** Why a raw parse of the bytes as UTF-8 (query/form/JSON/multipart as the RFCs say, nothing else) misses it. */
    final String why;
    final Kind kind;
    final String path;
    final Function<String, Req> request;
    final String attack;
    /** The value the application uses for the attack (X-Seen-Name; what the event should name). */
    final String attackSeen;
    final String benign;
    final String benignSeen;
    /** SQL twins: the user names answered. */
    final List<String> benignNames;
    /** The input.source values the event may carry. */
    final Set<String> sources;
    final String nameRule;
    final Predicate<String> inputName;
    /** The values the event's input.value (or input.transformed) may have; templates. Empty: {@link #attackSeen}. */
    final Set<String> eventValues;
    /** Path rows: the rule; SQL rows: null (any, as long as the 403 body and the event agree). */
    final String rule;
    /** Path rows: the file the attack creates (template under the files root). */
    final String effectFile;
    /** Path rows: the twin's check. */
    final Check benignCheck;
    /** The request.path of the event: exact, or a prefix when the input is in the path. */
    final String requestPath;
    final boolean requestPathIsPrefix;

    private SourceCase(String app, String id, String why, Kind kind, String path, Function<String, Req> request, String attack,
                       String attackSeen, String benign, String benignSeen, List<String> benignNames, Set<String> sources,
                       String nameRule, Predicate<String> inputName, Set<String> eventValues, String rule, String effectFile,
                       Check benignCheck, String requestPath, boolean requestPathIsPrefix) {
        this.app = app;
        this.id = id;
        this.why = why;
        this.kind = kind;
        this.path = path;
        this.request = request;
        this.attack = attack;
        this.attackSeen = attackSeen;
        this.benign = benign;
        this.benignSeen = benignSeen;
        this.benignNames = benignNames;
        this.sources = sources;
        this.nameRule = nameRule;
        this.inputName = inputName;
        this.eventValues = eventValues;
        this.rule = rule;
        this.effectFile = effectFile;
        this.benignCheck = benignCheck;
        this.requestPath = requestPath;
        this.requestPathIsPrefix = requestPathIsPrefix;
    }

    /** A SQL row: the tautology, seen as sent; the twin alice answers alice. */
    static SourceCase sql(String app, String id, String path, Function<String, Req> request) {
        return new SourceCase(app, id, null, Kind.SQL, path, request, TAUTOLOGY, TAUTOLOGY, "alice", "alice", List.of("alice"),
            Set.of(), "", n -> true, Set.of(), null, null, null, path, false);
    }

    /** A path row: the attack file name creates effectFile; the twin passes benignCheck. */
    static SourceCase path(String app, String id, String path, Function<String, Req> request, String attack,
                           String effectFile, String benign, Check benignCheck) {
        return new SourceCase(app, id, null, Kind.PATH, path, request, attack, attack, benign, benign, List.of(), Set.of(),
            "", n -> true, Set.of(), "path.traversal", effectFile, benignCheck, path, false);
    }

    private SourceCase copy(String why, String attack, String attackSeen, String benign, String benignSeen, List<String> benignNames,
                            Set<String> sources, String nameRule, Predicate<String> inputName, Set<String> eventValues,
                            String requestPath, boolean requestPathIsPrefix) {
        return new SourceCase(app, id, why, kind, path, request, attack, attackSeen, benign, benignSeen, benignNames, sources,
            nameRule, inputName, eventValues, rule, effectFile, benignCheck, requestPath, requestPathIsPrefix);
    }

    SourceCase why(String w) {
        return copy(w, attack, attackSeen, benign, benignSeen, benignNames, sources, nameRule, inputName, eventValues, requestPath,
            requestPathIsPrefix);
    }

    /** The attack sent and the value the application then uses. */
    SourceCase attack(String sent, String seen) {
        return copy(why, sent, seen, benign, benignSeen, benignNames, sources, nameRule, inputName, eventValues, requestPath,
            requestPathIsPrefix);
    }

    /** The twin sent, the value the application then uses, and (SQL) the names it answers. */
    SourceCase benign(String sent, String seen, String... names) {
        return copy(why, attack, attackSeen, sent, seen, List.of(names), sources, nameRule, inputName, eventValues, requestPath,
            requestPathIsPrefix);
    }

    SourceCase sources(String... s) {
        return copy(why, attack, attackSeen, benign, benignSeen, benignNames, Set.of(s), nameRule, inputName, eventValues, requestPath,
            requestPathIsPrefix);
    }

    SourceCase inputName(String rule, Predicate<String> p) {
        return copy(why, attack, attackSeen, benign, benignSeen, benignNames, sources, rule, p, eventValues, requestPath,
            requestPathIsPrefix);
    }

    SourceCase eventValues(String... v) {
        return copy(why, attack, attackSeen, benign, benignSeen, benignNames, sources, nameRule, inputName, Set.of(v), requestPath,
            requestPathIsPrefix);
    }

    /** The event's request.path starts with this (the input is part of the path). */
    SourceCase requestPathPrefix(String prefix) {
        return copy(why, attack, attackSeen, benign, benignSeen, benignNames, sources, nameRule, inputName, eventValues, prefix, true);
    }

    String method() {
        return request.apply(benign).method();
    }

    @Override
    public String toString() {
        return app + " " + path + ": " + id;
    }

    // ------------------------------------------------------------------ one run

    /** A row against one running application, its templates filled with a fresh {N}. */
    static final class Run {
        final SourceCase c;
        final AppProcess app;
        final int n;

        Run(SourceCase c, AppProcess app) {
            this.c = c;
            this.app = app;
            this.n = SEQ.incrementAndGet();
        }

        String fill(String template) {
            return template.replace("{N}", Integer.toString(n)).replace("{ROOT}", app.filesRoot().toString());
        }

        Path file(String template) {
            return Path.of(fill(template));
        }

        Req attackRequest() {
            return c.request.apply(fill(c.attack));
        }

        Req benignRequest() {
            return c.request.apply(fill(c.benign));
        }

        Set<String> eventValues() {
            Set<String> src = c.eventValues.isEmpty() ? Set.of(c.attackSeen) : c.eventValues;
            return src.stream().map(this::fill).collect(Collectors.toSet());
        }

        /** Path rows: the attack's file is not there before the request. */
        void prepare() {
            if (c.effectFile != null) {
                try {
                    Files.deleteIfExists(file(c.effectFile));
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
        }

        boolean effectHappened(Http.Resp r) {
            if (c.kind == Kind.PATH) {
                return Files.exists(file(c.effectFile));
            }
            JsonNode body = Scenario.jsonOrNull(r.body());
            return r.status() == 200 && body != null && Scenario.names(body).equals(Case.ALL);
        }

        /** The value the application says it used (X-Seen-Name), or null. */
        static String seen(Http.Resp r) {
            String h = r.header("X-Seen-Name");
            return h == null ? null : URLDecoder.decode(h, StandardCharsets.UTF_8);
        }

        /** The twin's answer: 200, the names (SQL) or the check (path), and the value the application used. */
        void checkBenign(Http.Resp r, List<String> problems) {
            if (r.status() != 200) {
                problems.add("status " + r.status() + ", expected 200");
                return;
            }
            JsonNode body = Scenario.jsonOrNull(r.body());
            if (body == null) {
                problems.add("body is not JSON");
                return;
            }
            if (c.kind == Kind.SQL) {
                List<String> names = Scenario.names(body);
                if (!names.equals(c.benignNames)) {
                    problems.add("names " + names + ", expected " + c.benignNames);
                }
                String seen = seen(r);
                if (!fill(c.benignSeen).equals(seen)) {
                    problems.add("the application used '" + seen + "', expected '" + fill(c.benignSeen) + "'");
                }
            } else {
                try {
                    c.benignCheck.check(this, r, body);
                } catch (AssertionError | IOException e) {
                    problems.add(e.getMessage());
                }
            }
        }

        /** Without protection: the attack took effect, through the value the application was meant to read. */
        void checkTookEffect(Http.Resp r, List<String> problems) {
            if (!effectHappened(r)) {
                problems.add(c.kind == Kind.SQL ? "the tautology did not return every row"
                    : "the attack did not create " + fill(c.effectFile));
            }
            if (c.kind == Kind.SQL) {
                String seen = seen(r);
                if (!fill(c.attackSeen).equals(seen)) {
                    problems.add("the application used '" + seen + "', expected '" + fill(c.attackSeen) + "'");
                }
            } else if (r.status() != 200) {
                problems.add("status " + r.status() + ", expected 200");
            }
        }
    }

    // ------------------------------------------------------------------ twin checks of path rows

    /** The twin's file was saved in the upload area: {@code www/webroot/<benign>}. */
    static Check savedInWebroot() {
        return (run, r, body) -> {
            Path p = run.app.filesRoot().resolve("www").resolve("webroot").resolve(run.fill(run.c.benign));
            if (!Files.exists(p)) {
                throw new AssertionError(p + " was not written; answer " + body);
            }
            if (!run.fill(run.c.benign).equals(body.path("saved").asText(null))) {
                throw new AssertionError("saved as '" + body.path("saved").asText(null) + "', expected '" + run.fill(run.c.benign) + "'");
            }
        };
    }

    /** The twin's entries were extracted below {@code tmp/<dir>} (the answer's dir). */
    static Check extracted(String... entries) {
        return (run, r, body) -> {
            String dir = body.path("dir").asText("");
            List<String> want = new ArrayList<>();
            for (String e : entries) {
                want.add(run.fill(e));
            }
            List<String> written = new ArrayList<>();
            body.path("written").forEach(n -> written.add(n.asText()));
            if (dir.isEmpty() || !written.equals(want)) {
                throw new AssertionError("extracted " + written + " into '" + dir + "', expected " + want);
            }
            for (String e : want) {
                Path p = run.app.filesRoot().resolve("tmp").resolve(dir).resolve(e);
                if (!Files.exists(p)) {
                    throw new AssertionError(p + " was not written");
                }
            }
        };
    }
}
