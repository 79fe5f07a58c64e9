package dev.rasp.it.javax;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.servlet.ServletException;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import javax.servlet.http.Part;

/**
 * Deliberately injectable process launches and file accesses, as plain HttpServlets (the same endpoints as the
 * Spring app's CommandController and FileController, without the Spring-only resource one). One servlet per
 * endpoint; each is a lambda over the request.
 */
final class SinkServlets {
    private SinkServlets() {}

    private static final AtomicInteger SEQ = new AtomicInteger();

    interface Handler {
        Object handle(HttpServletRequest req) throws Exception;
    }

    /** A servlet answering JSON: 400 for a missing parameter, 404 for a missing file, 500 for other IOExceptions. */
    static final class Endpoint extends HttpServlet {
        private final String method;
        private final transient Handler handler;

        Endpoint(String method, Handler handler) {
            this.method = method;
            this.handler = handler;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException, ServletException {
            if (!req.getMethod().equals(method)) {
                Servlets.JdbcServlet.json(res, 405, Map.of("error", "use " + method));
                return;
            }
            Object body;
            try {
                body = handler.handle(req);
            } catch (IllegalArgumentException bad) {
                Servlets.JdbcServlet.json(res, 400, Map.of("error", String.valueOf(bad.getMessage())));
                return;
            } catch (NoSuchFileException | FileNotFoundException missing) {
                Servlets.JdbcServlet.json(res, 404, Map.of("error", "not found: " + missing.getMessage()));
                return;
            } catch (IOException e) {
                Servlets.JdbcServlet.json(res, 500, Map.of("error", "io error: " + e));
                return;
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new ServletException(e);
            }
            Servlets.JdbcServlet.json(res, 200, body);
        }
    }

    static String required(HttpServletRequest req, String name) {
        return Servlets.JdbcServlet.required(req, name);
    }

    static String body(HttpServletRequest req) throws IOException {
        StringBuilder b = new StringBuilder();
        char[] buf = new char[4096];
        int n;
        try (java.io.Reader r = req.getReader()) {
            while ((n = r.read(buf)) > 0) {
                b.append(buf, 0, n);
            }
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ processes

    static Map<String, Object> run(ProcessBuilder pb) throws IOException, InterruptedException {
        return result(pb.redirectErrorStream(true).start());
    }

    static Map<String, Object> result(Process p) throws IOException, InterruptedException {
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        if (exit == -1) {
            p.destroyForcibly();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("exit", exit);
        answer.put("output", out + err);
        return answer;
    }

    /** path -> servlet, in registration order. */
    static Map<String, HttpServlet> all(FileArea files) {
        Map<String, HttpServlet> m = new LinkedHashMap<>();

        // sh -c "getent hosts <host>"
        m.put("/cmd/lookup-sh", new Endpoint("GET", req ->
            run(new ProcessBuilder("sh", "-c", "getent hosts " + required(req, "host")))));
        // the argv twin
        m.put("/cmd/lookup", new Endpoint("GET", req ->
            run(new ProcessBuilder("getent", "hosts", required(req, "host")))));
        // Runtime.exec(String): split on whitespace, no shell. /cmd/ls has a path segment equal to the program.
        Endpoint ls = new Endpoint("GET", req ->
            result(Runtime.getRuntime().exec("ls " + required(req, "dir"), null, files.base.toFile())));
        m.put("/cmd/ls", ls);
        m.put("/cmd/listing", ls);
        // Runtime.exec(String[]) of sh -c "echo <msg>", msg from a form field
        m.put("/cmd/echo", new Endpoint("POST", req ->
            result(Runtime.getRuntime().exec(new String[] {"sh", "-c", "echo " + required(req, "msg")}))));
        // "run this program"; without cmd: echo <arg>
        m.put("/cmd/run", new Endpoint("GET", req -> {
            String cmd = req.getParameter("cmd");
            String arg = req.getParameter("arg") == null ? "hello" : req.getParameter("arg");
            return result(cmd != null ? Runtime.getRuntime().exec(cmd) : Runtime.getRuntime().exec(new String[] {"echo", arg}));
        }));
        // GREETING=<json field greeting>, printed by a constant script
        m.put("/cmd/greet", new Endpoint("POST", req -> {
            JsonNode node = Servlets.JSON.readTree(body(req));
            JsonNode g = node == null ? null : node.get("greeting");
            if (g == null || !g.isTextual()) {
                throw new IllegalArgumentException("body needs a string field greeting");
            }
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", "echo \"$GREETING\"");
            pb.environment().put("GREETING", g.asText());
            return run(pb);
        }));
        m.put("/cmd/preload", new Endpoint("GET", req -> {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", "echo preloaded");
            pb.environment().put("LD_PRELOAD", required(req, "lib"));
            return run(pb);
        }));
        m.put("/cmd/bash-env", new Endpoint("POST", req -> {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", "echo profiled");
            pb.environment().put("BASH_ENV", required(req, "profile"));
            return run(pb);
        }));
        // tar -cf <tmp>/x.tar -C <base> <name>..., then tar -tf
        m.put("/cmd/archive", new Endpoint("GET", req -> {
            String[] names = req.getParameterValues("name");
            if (names == null) {
                throw new IllegalArgumentException("parameter name is required");
            }
            String tar = files.tmp.resolve("archive-" + SEQ.incrementAndGet() + ".tar").toString();
            List<String> argv = new ArrayList<>(List.of("tar", "-cf", tar, "-C", files.base.toString()));
            argv.addAll(Arrays.asList(names));
            Map<String, Object> created = run(new ProcessBuilder(argv));
            if (!Integer.valueOf(0).equals(created.get("exit"))) {
                return created;
            }
            return run(new ProcessBuilder("tar", "-tf", tar));
        }));

        // ------------------------------------------------------------------ files
        File baseDir = files.base.toFile();
        m.put("/files/read", new Endpoint("GET", req -> {
            String name = required(req, "name");
            try (InputStream in = new FileInputStream(new File(baseDir, name))) {
                return content(name, in.readAllBytes());
            }
        }));
        m.put("/files/read-nio", new Endpoint("GET", req -> {
            String name = required(req, "name");
            return content(name, Files.readAllBytes(files.base.resolve(name)));
        }));
        m.put("/files/read-decoded", new Endpoint("GET", req -> {
            String name = URLDecoder.decode(required(req, "name"), StandardCharsets.UTF_8);
            return content(name, Files.readAllBytes(files.base.resolve(name)));
        }));
        m.put("/files/read-win", new Endpoint("GET", req -> {
            String name = required(req, "name").replace('\\', '/');
            try (InputStream in = new FileInputStream(new File(baseDir, name))) {
                return content(name, in.readAllBytes());
            }
        }));
        m.put("/files/read-abs", new Endpoint("GET", req -> {
            String path = required(req, "path");
            return content(path, Files.readAllBytes(Paths.get(path)));
        }));
        m.put("/files/read-raf", new Endpoint("GET", req -> {
            String name = required(req, "name");
            try (RandomAccessFile f = new RandomAccessFile(new File(baseDir, name), "r")) {
                byte[] b = new byte[(int) f.length()];
                f.readFully(b);
                return content(name, b);
            }
        }));
        m.put("/files/write", new Endpoint("POST", req -> {
            String name = required(req, "name");
            byte[] b = body(req).getBytes(StandardCharsets.UTF_8);
            Files.write(files.base.resolve(name), b);
            return Map.of("written", b.length);
        }));
        m.put("/files/write-io", new Endpoint("POST", req -> {
            String name = required(req, "name");
            byte[] b = body(req).getBytes(StandardCharsets.UTF_8);
            try (FileOutputStream out = new FileOutputStream(new File(baseDir, name))) {
                out.write(b);
            }
            return Map.of("written", b.length);
        }));
        m.put("/files/delete", new Endpoint("POST", req -> {
            Files.delete(files.base.resolve(required(req, "name")));
            return Map.of("deleted", true);
        }));
        m.put("/files/delete-io", new Endpoint("POST", req ->
            Map.of("deleted", new File(baseDir, required(req, "name")).delete())));
        m.put("/files/list", new Endpoint("GET", req -> {
            try (Stream<Path> s = Files.list(files.base.resolve(required(req, "dir")))) {
                return entries(s.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
            }
        }));
        m.put("/files/list-io", new Endpoint("GET", req -> {
            String dir = required(req, "dir");
            String[] names = new File(baseDir, dir).list();
            if (names == null) {
                throw new NoSuchFileException(dir);
            }
            return entries(Arrays.asList(names));
        }));
        m.put("/files/upload", new Endpoint("POST", req -> {
            String name = required(req, "name");
            byte[] b;
            try (InputStream in = req.getInputStream()) {
                b = in.readAllBytes();
            }
            Files.write(files.webroot.resolve(name), b);
            return Map.of("written", b.length);
        }));
        m.put("/files/upload-multipart", new Endpoint("POST", req -> {
            Part part = req.getPart("file");
            if (part == null) {
                throw new IllegalArgumentException("part file is required");
            }
            byte[] b;
            try (InputStream in = part.getInputStream()) {
                b = in.readAllBytes();
            }
            Files.write(files.webroot.resolve(part.getSubmittedFileName()), b);
            return Map.of("written", b.length);
        }));
        m.put("/files/copy", new Endpoint("POST", req -> {
            Files.copy(files.base.resolve(required(req, "from")), files.base.resolve(required(req, "to")));
            return Map.of("copied", true);
        }));
        m.put("/files/mkdir", new Endpoint("POST", req ->
            Map.of("created", new File(baseDir, required(req, "dir")).mkdir())));
        return m;
    }

    static Map<String, Object> content(String name, byte[] bytes) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("name", name);
        answer.put("content", new String(bytes, StandardCharsets.UTF_8));
        return answer;
    }

    static Map<String, Object> entries(List<String> names) {
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        return Map.of("entries", sorted);
    }
}
