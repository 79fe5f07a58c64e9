package dev.rasp.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/** Real HTTP to an application (java.net.http, HTTP/1.1). */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();

    private final String base;

    public Http(String base) {
        this.base = base;
    }

    public record Resp(String method, String target, int status, String contentType, String body,
                       java.net.http.HttpHeaders headers) {
        /** The first value of a response header (case-insensitive name), or null. */
        public String header(String name) {
            return headers == null ? null : headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return method + " " + target + " -> " + status + " [" + contentType + "] " + AppProcess.tail(body, 5);
        }
    }

    public static String form(Map<String, String> fields) {
        StringJoiner j = new StringJoiner("&");
        fields.forEach((k, v) -> j.add(enc(k) + "=" + enc(v)));
        return j.toString();
    }

    /** application/x-www-form-urlencoded encoding (space as '+'), as browsers and most clients send it. */
    public static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public Resp get(String pathAndQuery, String... headers) {
        return send("GET", pathAndQuery, null, null, headers);
    }

    public Resp postForm(String path, Map<String, String> fields, String... headers) {
        return send("POST", path, "application/x-www-form-urlencoded", form(fields), headers);
    }

    public Resp postJson(String path, String json, String... headers) {
        return send("POST", path, "application/json", json, headers);
    }

    public Resp post(String path) {
        return send("POST", path, null, "", new String[0]);
    }

    public Resp send(String method, String pathAndQuery, String contentType, String body, String... headers) {
        return sendBytes(method, pathAndQuery, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8), headers);
    }

    /** A request with a body of exactly these bytes (null: no body); headers are name, value pairs. */
    public Resp sendBytes(String method, String pathAndQuery, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(30));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Resp(method, pathAndQuery, r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body(),
                r.headers());
        } catch (IOException e) {
            throw new AssertionError(method + " " + base + pathAndQuery + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
