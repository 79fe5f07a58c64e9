package dev.rasp.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The endpoint shapes of the two applications (paths relative to /{db}). */
public enum Endpoint {
    BY_NAME("/users/by-name", Source.QUERY, "name", Result.ROWS, true),
    BY_ID("/users/by-id", Source.QUERY, "id", Result.ROWS, true),
    PREPARED_CONCAT("/users/prepared-concat", Source.QUERY, "name", Result.ROWS, false),
    SORTED("/users/sorted", Source.QUERY, "sort", Result.ROWS, false),
    IN_LIST("/users/in", Source.QUERY, "ids", Result.ROWS, false),
    SEARCH("/users/search", Source.QUERY, "q", Result.ROWS, false),
    DELETE("/users/delete", Source.FORM, "name", Result.DELETED, true),
    DELETE_BATCH("/users/delete-batch", Source.FORM, "name", Result.DELETED, false),
    /** The input is the last path segment: /{db}/users/named/{name}. */
    NAMED("/users/named", Source.PATH, "name", Result.ROWS, false),
    FORM_BY_NAME("/form/by-name", Source.FORM, "name", Result.ROWS, true),
    JSON_BY_NAME("/json/by-name", Source.JSON, "name", Result.ROWS, true),
    /** The same endpoint, the body's string written with \\uXXXX escapes for every non-alphanumeric character. */
    JSON_ESCAPED_BY_NAME("/json/by-name", Source.JSON, "name", Result.ROWS, true),
    HEADER_BY_NAME("/header/by-name", Source.HEADER, "X-User", Result.ROWS, true),
    COOKIE_BY_NAME("/cookie/by-name", Source.COOKIE, "user", Result.ROWS, true),
    CATCHING("/catching/by-name", Source.QUERY, "name", Result.CATCHING, true),
    SAFE_BY_NAME("/safe/by-name", Source.QUERY, "name", Result.ROWS, true),
    SAFE_BY_ID("/safe/by-id", Source.QUERY, "id", Result.ROWS, true),
    SAFE_SEARCH("/safe/search", Source.QUERY, "q", Result.ROWS, false);

    /** Where the input travels; the name is the event's input.source. */
    public enum Source {
        QUERY("query"), FORM("form"), JSON("json"), HEADER("header"), COOKIE("cookie"), PATH("path");

        final String eventName;

        Source(String eventName) {
            this.eventName = eventName;
        }
    }

    /** How the endpoint answers: a list of user rows, {"users":[..],"error":..}, or {"deleted":n}. */
    public enum Result { ROWS, CATCHING, DELETED }

    public static final Set<Endpoint> SPRING = EnumSet.allOf(Endpoint.class);
    public static final Set<Endpoint> JAVAX = EnumSet.of(BY_NAME, BY_ID, DELETE, FORM_BY_NAME, JSON_BY_NAME,
        JSON_ESCAPED_BY_NAME, HEADER_BY_NAME, COOKIE_BY_NAME, CATCHING, SAFE_BY_NAME, SAFE_BY_ID);

    final String path;
    final Source source;
    final String input;
    final Result result;
    final boolean inJavaxApp;

    Endpoint(String path, Source source, String input, Result result, boolean inJavaxApp) {
        this.path = path;
        this.source = source;
        this.input = input;
        this.result = result;
        this.inJavaxApp = inJavaxApp;
    }

    public String path(String db) {
        return "/" + db + path;
    }

    /** The request path the event should name (raw or decoded, for a path input). */
    public java.util.Set<String> requestPaths(String db, String payload) {
        if (source == Source.PATH) {
            return java.util.Set.of(path(db) + "/" + pathSegment(payload), path(db) + "/" + payload);
        }
        return java.util.Set.of(path(db));
    }

    public String method() {
        return source == Source.FORM || source == Source.JSON ? "POST" : "GET";
    }

    /** Sends the payload the way this endpoint takes it. */
    public Http.Resp send(Http http, String db, String payload) {
        switch (source) {
            case QUERY:
                return http.get(path(db) + "?" + input + "=" + Http.enc(payload));
            case FORM:
                return http.postForm(path(db), Map.of(input, payload));
            case JSON: {
                String body = this == JSON_ESCAPED_BY_NAME
                    ? "{\"" + input + "\": \"" + escapeAll(payload) + "\"}"
                    : JsonNodeFactory.instance.objectNode().put(input, payload).toString();
                return http.postJson(path(db), body);
            }
            case HEADER:
                return http.get(path(db), input, payload);
            case COOKIE:
                return http.get(path(db), "Cookie", input + "=" + payload);
            case PATH:
                return http.get(path(db) + "/" + pathSegment(payload));
            default:
                throw new IllegalStateException();
        }
    }

    /** Percent-encodes a path segment (space as %20, not '+'). */
    static String pathSegment(String s) {
        return Http.enc(s).replace("+", "%20");
    }

    /** A JSON string body with every character that is not a letter or digit as a \\uXXXX escape. */
    static String escapeAll(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c < 128 && Character.isLetterOrDigit(c)) {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    /** The user names of an answer (ROWS or CATCHING), in order. */
    public List<String> names(JsonNode body) {
        JsonNode rows = result == Result.CATCHING ? body.get("users") : body;
        List<String> names = new ArrayList<>();
        if (rows != null && rows.isArray()) {
            for (JsonNode r : rows) {
                names.add(r.path("name").asText());
            }
        }
        return names;
    }

    public String describe() {
        return name().toLowerCase().replace('_', '-') + "(" + source.eventName + " " + input + ")";
    }
}
