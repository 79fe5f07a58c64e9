package dev.rasp.it;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Input the application transformed before the sink ({@code /transform/h2/...} of the Spring test application): the
 * request carries one text, the statement or file receives another. Each attack names the rule, the transform the
 * event must report ({@code input.transform}) and what it does when nothing stops it; each has a benign twin that
 * goes through the same transform. Also inputs that never reached the sink at all, which must be served.
 */
final class TransformCases {
    private TransformCases() {}

    /** What an attack does when it runs. */
    enum Effect {
        /** Every user row is served. */
        ALL_USERS(r -> r.body().contains("bob@example.com") && r.body().contains("carol@example.com")
            && r.body().contains("root@example.com")),
        /** The secrets table is served. */
        SECRETS(r -> r.body().contains("s3cr3t-token")),
        /** outside/secret.txt is served. */
        SECRET_FILE(null);

        final Predicate<Http.Resp> seen;

        Effect(Predicate<Http.Resp> seen) {
            this.seen = seen;
        }

        boolean tookEffect(AppProcess app, Http.Resp r) {
            return this == SECRET_FILE ? r.body().contains(app.secret()) : seen.test(r);
        }
    }

    /**
     * One request: an endpoint and its query parameters (sent percent-encoded); a GET, or a POST of {@code body} with
     * {@code contentType} (null: no Content-Type header) when there is a body; {@code headers} are name, value pairs.
     */
    record Req(String path, Map<String, String> params, String contentType, String body, List<String> headers) {
        Req(String path, Map<String, String> params) {
            this(path, params, null, null, List.of());
        }

        Http.Resp send(Http http) {
            String[] h = headers.toArray(new String[0]);
            return body == null ? http.send("GET", target(), null, null, h) : http.send("POST", target(), contentType, body, h);
        }

        String target() {
            StringBuilder sb = new StringBuilder(path);
            char sep = '?';
            for (Map.Entry<String, String> p : params.entrySet()) {
                sb.append(sep).append(Http.enc(p.getKey())).append('=').append(Http.enc(p.getValue()));
                sep = '&';
            }
            return sb.toString();
        }

        @Override
        public String toString() {
            return (body == null ? "GET " + target()
                : "POST " + target() + " (" + (contentType == null ? "no Content-Type" : contentType) + ") "
                    + (body.length() > 80 ? body.substring(0, 80) + "... (" + body.length() + " chars)" : body))
                + (headers.isEmpty() ? "" : " " + headers);
        }
    }

    /** An attack: the input the event names (as sent), the rule, the transform, the effect. */
    record Attack(String id, Req req, String input, String rule, String category, String transform, Effect effect) {
        @Override
        public String toString() {
            return id;
        }
    }

    /** A benign request: 200, the answer holds {@code expect} and none of {@code never}. */
    record Twin(String id, Req req, String expect, List<String> never) {
        @Override
        public String toString() {
            return id;
        }
    }

    static Req req(String path, String... kv) {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            params.put(kv[i], kv[i + 1]);
        }
        return new Req("/transform/h2/" + path, params);
    }

    /** A POST of {@code body} to {@code /transform/h2/path}. */
    static Req post(String path, String contentType, String body) {
        return new Req("/transform/h2/" + path, Map.of(), contentType, body, List.of());
    }

    /** A GET of {@code /transform/h2/path} with one header. */
    static Req withHeader(String path, String name, String value) {
        return new Req("/transform/h2/" + path, Map.of(), null, null, List.of(name, value));
    }

    static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    static String b64url(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static final String TAUTOLOGY = "x' OR TRUE OR 'a'='a";

    static List<Attack> attacks() {
        return List.of(
            new Attack("lower-cased", req("lower", "name", "X' OR TRUE OR 'A'='A"), "X' OR TRUE OR 'A'='A",
                "sqli.tautology", "sqli", "lower-case", Effect.ALL_USERS),
            new Attack("upper-cased", req("upper", "role", "x' union select id, token, token, token from secrets --"),
                "x' union select id, token, token, token from secrets --", "sqli.union", "sqli", "upper-case", Effect.SECRETS),
            new Attack("trimmed", req("trim", "name", "   " + TAUTOLOGY + "  "), "   " + TAUTOLOGY + "  ",
                "sqli.tautology", "sqli", "trimmed", Effect.ALL_USERS),
            new Attack("base64 cursor", req("page", "after", b64url(TAUTOLOGY)), b64url(TAUTOLOGY),
                "sqli.tautology", "sqli", "base64-decoded", Effect.ALL_USERS),
            new Attack("JSON escapes", req("unescape", "name", "x\\u0027 OR TRUE OR \\u0027a\\u0027=\\u0027a"),
                "x\\u0027 OR TRUE OR \\u0027a\\u0027=\\u0027a", "sqli.tautology", "sqli", "json-unescaped", Effect.ALL_USERS),
            new Attack("HTML entities", req("html", "name", "x&#39; OR TRUE OR &#39;a&#39;=&#39;a"),
                "x&#39; OR TRUE OR &#39;a&#39;=&#39;a", "sqli.tautology", "sqli", "html-decoded", Effect.ALL_USERS),
            // URLDecoder makes '+' a space: the statement holds "x' OR TRUE ..." where the request had "x'+OR+TRUE+..."
            new Attack("URLDecoder once more", req("urldecode", "name", TAUTOLOGY.replace(' ', '+')), TAUTOLOGY.replace(' ', '+'),
                "sqli.tautology", "sqli", "form-decoded", Effect.ALL_USERS),
            // NFKC makes the full-width apostrophe (U+FF07) an ASCII one
            new Attack("NFKC-normalised", req("nfkc", "name", TAUTOLOGY.replace('\'', '\uFF07')), TAUTOLOGY.replace('\'', '\uFF07'),
                "sqli.tautology", "sqli", "nfkc-normalized", Effect.ALL_USERS),
            // the content type is the client's word: @RequestBody String reads any body as text
            new Attack("body as application/octet-stream", post("body", "application/octet-stream", TAUTOLOGY), TAUTOLOGY,
                "sqli.tautology", "sqli", null, Effect.ALL_USERS),
            new Attack("body with no Content-Type", post("body", null, TAUTOLOGY), TAUTOLOGY,
                "sqli.tautology", "sqli", null, Effect.ALL_USERS),
            new Attack("body as text/csv", post("body", "text/csv", TAUTOLOGY), TAUTOLOGY,
                "sqli.tautology", "sqli", null, Effect.ALL_USERS),
            // the application takes a part out of a header: the first hop of a proxy chain, the user of Basic credentials
            new Attack("first X-Forwarded-For hop", withHeader("client", "X-Forwarded-For", TAUTOLOGY + ", 10.0.0.1"),
                TAUTOLOGY + ", 10.0.0.1", "sqli.tautology", "sqli", "list-element", Effect.ALL_USERS),
            new Attack("Basic user", withHeader("whoami", "Authorization", basic(TAUTOLOGY + ":pw")), basic(TAUTOLOGY + ":pw"),
                "sqli.tautology", "sqli", "basic-user", Effect.ALL_USERS),
            new Attack("adjacent single-word inputs", req("filter", "id", "3", "conj", "OR", "flag", "TRUE"), null,
                "sqli.tautology", "sqli", null, Effect.ALL_USERS),
            new Attack("File-normalised path", req("file", "name", "..//..//outside/secret.txt"), "..//..//outside/secret.txt",
                "path.traversal", "path", "path-normalized", Effect.SECRET_FILE));
    }

    static List<Twin> twins() {
        List<String> others = List.of("bob@example.com", "root@example.com");
        return List.of(
            new Twin("lower-cased name", req("lower", "name", "ALICE"), "alice@example.com", others),
            new Twin("lower-cased name with an apostrophe-free suffix", req("lower", "name", "Carol"), "carol@example.com",
                others),
            new Twin("upper-cased role", req("upper", "role", "admin"), "root@example.com", List.of("bob@example.com")),
            new Twin("trimmed name", req("trim", "name", "   carol  "), "carol@example.com", others),
            new Twin("base64 cursor", req("page", "after", b64url("bob")), "carol@example.com",
                List.of("alice@example.com", "root@example.com")),
            new Twin("JSON-escaped name", req("unescape", "name", "c\\u0061rol"), "carol@example.com", others),
            new Twin("HTML-escaped name", req("html", "name", "&#99;arol"), "carol@example.com", others),
            new Twin("NFKC-normalised full-width name", req("nfkc", "name", "\uFF43\uFF41\uFF52\uFF4F\uFF4C"), "carol@example.com",
                others),
            new Twin("URLDecoder name", req("urldecode", "name", "%61lice"), "alice@example.com", others),
            new Twin("URLDecoder name with a plus", req("urldecode", "name", "mary+ann"), "[]", List.of("alice@example.com")),
            new Twin("body as application/octet-stream", post("body", "application/octet-stream", "carol"), "carol@example.com",
                others),
            new Twin("body with no Content-Type", post("body", null, "carol"), "carol@example.com", others),
            new Twin("first X-Forwarded-For hop", withHeader("client", "X-Forwarded-For", "carol, 10.0.0.1"), "carol@example.com",
                others),
            new Twin("Basic user", withHeader("whoami", "Authorization", basic("carol:pw")), "carol@example.com", others),
            // an upload past max_input_bytes (1 MiB) reaching a file sink: judged on what is kept, not blocked for its size
            new Twin("2 MiB upload to a file", new Req("/files/upload", Map.of("name", "upload.bin"), "application/octet-stream",
                "a".repeat(2 << 20), List.of()), "\"written\":2097152", List.of()),
            new Twin("filter with AND", req("filter", "id", "3", "conj", "AND", "flag", "TRUE"), "carol@example.com", others),
            new Twin("File-normalised path inside the base", req("file", "name", "a//b/./c.txt"),
                "c: a file three levels down", List.of()),
            // The request carries a tautology the application never put into the statement (it checks the
            // password elsewhere); its own "' AND role <> '" must not stand in for the input.
            new Twin("tautology in a parameter the statement never saw",
                new Req("/h2/users/by-name", new LinkedHashMap<>(Map.of("name", "alice", "password", "x' OR '1'='1"))),
                "alice@example.com", others));
    }
}
