package dev.rasp.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cases of the Spring application's {@code /files2/} endpoints (FileShapesController): existence and attribute
 * oracles, a canonical or normalised path checked with a prefix test that forgot the separator, file: URLs, symbolic
 * links, a directory built from two parameters, an absolute parameter that only names a leading directory. Each attack
 * has a benign twin on the same endpoint or its sibling.
 */
final class FileShapes {
    private static final AtomicInteger SEQ = new AtomicInteger();

    static final String PRIVATE_UP = "../data_private/private.txt";
    static final String PRIVATE_CONTENT = "private: payroll figures";
    static final String NOTES_CONTENT = "notes: the quarterly numbers are fine";

    private FileShapes() {
    }

    /**
     * One request. {@code input} is the parameter the attack is in (the event must name it), {@code value} what the
     * event's input.value (or input.transformed) must be; {@code rule} the expected rule of an attack (null: benign);
     * {@code transform} the expected input.transform, or null for none expected.
     */
    record Shape(String label, String method, String path, Map<String, String> params, String input, String value,
                 String rule, String transform) {
        @Override
        public String toString() {
            return label;
        }

        Http.Resp send(Http http) {
            StringBuilder q = new StringBuilder();
            for (Map.Entry<String, String> e : params.entrySet()) {
                q.append(q.length() == 0 ? "" : "&").append(Http.enc(e.getKey())).append('=').append(Http.enc(e.getValue()));
            }
            if (method.equals("POST")) {
                return http.postForm(path, params);
            }
            return http.get(path + "?" + q);
        }
    }

    static Shape attack(String label, String method, String path, Map<String, String> params, String input, String rule,
                        String transform) {
        return new Shape(label, method, path, params, input, params.get(input), rule, transform);
    }

    static Shape benign(String label, String method, String path, Map<String, String> params) {
        return new Shape(label, method, path, params, null, null, null, null);
    }

    static String secretPath(AppProcess app) {
        return app.filesRoot().resolve("outside").resolve("secret.txt").toString();
    }

    static String linkName() {
        return "l-" + SEQ.incrementAndGet();
    }

    static Path linkPath(AppProcess app, String name) {
        return app.filesRoot().resolve("www").resolve("data").resolve("links").resolve(name);
    }

    static boolean linkExists(AppProcess app, String name) {
        return Files.isSymbolicLink(linkPath(app, name)) || Files.exists(linkPath(app, name));
    }

    /** The attacks, each with the effect an unprotected application shows (checked by the vulnerable test). */
    static List<Shape> attacks(AppProcess app) {
        String secret = secretPath(app);
        return List.of(
            attack("exists oracle (File.exists)", "GET", "/files2/exists", Map.of("name", "../../outside/secret.txt"),
                "name", "path.traversal", null),
            attack("exists oracle, doubled separators collapsed by File", "GET", "/files2/exists",
                Map.of("name", "..//..//outside/secret.txt"), "name", "path.traversal", "path-normalized"),
            attack("exists oracle (Files.exists)", "GET", "/files2/exists-nio", Map.of("name", "../../outside/secret.txt"),
                "name", "path.traversal", null),
            attack("exists oracle, doubled separators collapsed by Path.resolve", "GET", "/files2/exists-nio",
                Map.of("name", "..//..//outside/secret.txt"), "name", "path.traversal", "path-normalized"),
            attack("size of an absolute path (Files.size)", "GET", "/files2/size-abs", Map.of("path", secret), "path",
                "path.absolute", null),
            attack("getCanonicalFile and a prefix test without separator", "GET", "/files2/canonical",
                Map.of("name", PRIVATE_UP), "name", "path.traversal", "path-normalized"),
            attack("Path.normalize and a prefix test without separator", "GET", "/files2/normalized",
                Map.of("name", PRIVATE_UP), "name", "path.traversal", "path-normalized"),
            attack("file: URL to a file outside", "GET", "/files2/url", Map.of("url", "file://" + secret), "url",
                "path.absolute", "file-url"),
            attack("file: URL built from a name", "GET", "/files2/url-doc", Map.of("name", "../../outside/secret.txt"),
                "name", "path.traversal", null),
            attack("symbolic link to a file outside", "POST", "/files2/link",
                Map.of("name", linkName(), "target", "../../outside/secret.txt"), "target", "path.traversal", null),
            attack("two parameters, the second climbs out", "GET", "/files2/cwd-list", Map.of("cwd", "a", "path", "../.."),
                "path", "path.traversal", null));
    }

    /** The benign twins: 200 and the application's own answer, no event. */
    static List<Shape> benign(AppProcess app) {
        return List.of(
            benign("exists oracle, a file of the base", "GET", "/files2/exists", Map.of("name", "notes.txt")),
            benign("exists oracle, doubled separator inside the base", "GET", "/files2/exists",
                Map.of("name", "a//b/c.txt")),
            benign("Files.exists, a file of the base", "GET", "/files2/exists-nio", Map.of("name", "a/b/c.txt")),
            benign("getCanonicalFile, .. that stays inside", "GET", "/files2/canonical", Map.of("name", "a/../notes.txt")),
            benign("Path.normalize, .. that stays inside", "GET", "/files2/normalized", Map.of("name", "a/b/../../notes.txt")),
            benign("file: URL built from a name inside", "GET", "/files2/url-doc", Map.of("name", "notes.txt")),
            benign("symbolic link to a file of the base", "POST", "/files2/link",
                Map.of("name", linkName(), "target", "notes.txt")),
            benign("two parameters, .. undoes the first", "GET", "/files2/cwd-list", Map.of("cwd", "a", "path", "..")),
            benign("absolute parameter naming a leading directory", "GET", "/files2/home",
                Map.of("next", app.filesRoot().resolve("www").toString())));
    }
}
