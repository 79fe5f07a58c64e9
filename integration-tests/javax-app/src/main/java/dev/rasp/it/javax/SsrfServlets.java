package dev.rasp.it.javax;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/**
 * Deliberately forgeable outbound requests (the Spring app's SsrfController without the Spring and JDK-client
 * ones): {@code /ssrf/fetch?url=} through java.net.URL, {@code /ssrf/socket?host=&port=} over a raw socket, and
 * the benign {@code /ssrf/service?path=} to the application's own service (system property ssrf.service).
 */
final class SsrfServlets {
    private SsrfServlets() {}

    interface Fetch {
        String fetch(HttpServletRequest req) throws IOException;
    }

    static Map<String, HttpServlet> all() {
        Map<String, HttpServlet> m = new LinkedHashMap<>();
        m.put("/ssrf/fetch", servlet(req -> read(new URL(req.getParameter("url")))));
        m.put("/ssrf/socket", servlet(req -> overSocket(req.getParameter("host"),
            Integer.parseInt(req.getParameter("port")), "/secret")));
        m.put("/ssrf/service", servlet(req -> read(new URL(System.getProperty("ssrf.service") + "/" + req.getParameter("path")))));
        m.put("/ssrf/service-socket", servlet(req -> {
            URI service = URI.create(System.getProperty("ssrf.service"));
            return overSocket(service.getHost(), service.getPort(), "/" + req.getParameter("path"));
        }));
        return m;
    }

    private static HttpServlet servlet(Fetch f) {
        return new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                String body = f.fetch(req);
                resp.setContentType("text/plain;charset=utf-8");
                resp.getWriter().write(body);
            }
        };
    }

    private static String read(URL url) throws IOException {
        try (InputStream in = url.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String overSocket(String host, int port, String path) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            return body < 0 ? response : response.substring(body + 4);
        }
    }
}
