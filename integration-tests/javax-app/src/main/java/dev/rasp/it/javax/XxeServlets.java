package dev.rasp.it.javax;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;

/** The Spring app's XxeController as servlets (no JAXB): XML bodies parsed, transformed and validated by the JDK (XmlDocuments). */
final class XxeServlets {
    private XxeServlets() {}

    interface Parse {
        String parse(HttpServletRequest req) throws Exception;
    }

    /** Answers the parse's text as text/plain; 500 with the exception's message when the parse fails. */
    static final class Endpoint extends HttpServlet {
        private final String method;
        private final transient Parse parse;

        Endpoint(String method, Parse parse) {
            this.method = method;
            this.parse = parse;
        }

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse res) throws IOException {
            if (!req.getMethod().equals(method)) {
                res.sendError(405);
                return;
            }
            String text;
            try {
                text = parse.parse(req);
            } catch (RuntimeException e) {
                throw e; // the agent's block among them
            } catch (Exception e) {
                res.setStatus(500);
                text = "parse failed: " + e;
            }
            res.setContentType("text/plain;charset=UTF-8");
            res.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    static Map<String, HttpServlet> all() {
        Map<String, HttpServlet> m = new LinkedHashMap<>();
        m.put("/xxe/dom", new Endpoint("POST", req -> XmlDocuments.dom(req.getInputStream())));
        m.put("/xxe/sax", new Endpoint("POST", req -> XmlDocuments.sax(req.getInputStream())));
        m.put("/xxe/stax", new Endpoint("POST", req -> XmlDocuments.stax(req.getInputStream())));
        m.put("/xxe/xmlreader", new Endpoint("POST", req -> XmlDocuments.xmlReader(req.getInputStream())));
        m.put("/xxe/stax-jdk", new Endpoint("POST", req -> XmlDocuments.staxJdk(req.getInputStream())));
        m.put("/xxe/xslt", new Endpoint("POST", req -> XmlDocuments.xslt(req.getInputStream())));
        m.put("/xxe/stylesheet", new Endpoint("POST", req -> XmlDocuments.stylesheet(req.getInputStream())));
        m.put("/xxe/validate", new Endpoint("POST", req -> XmlDocuments.validate(req.getInputStream())));
        m.put("/xxe/schema", new Endpoint("POST", req -> XmlDocuments.schema(req.getInputStream())));
        m.put("/xxe/dom-gzip", new Endpoint("POST",
            req -> XmlDocuments.dom(new java.util.zip.GZIPInputStream(req.getInputStream()))));
        m.put("/xxe/internal", new Endpoint("GET", req -> XmlDocuments.internal()));
        return m;
    }
}
