package dev.rasp.it.spring;

import jakarta.servlet.http.HttpServletRequest;
import java.util.zip.GZIPInputStream;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * XML bodies parsed by the JDK's DOM, SAX, XMLReader and StAX, transformed (TrAX), validated or compiled as a schema,
 * and unmarshalled by JAXB, each in an XXE-prone configuration: see XmlDocuments and JaxbDocuments.
 */
@RestController
public class XxeController {

    @PostMapping(path = "/xxe/dom", produces = MediaType.TEXT_PLAIN_VALUE)
    public String dom(HttpServletRequest req) throws Exception {
        return XmlDocuments.dom(req.getInputStream());
    }

    @PostMapping(path = "/xxe/sax", produces = MediaType.TEXT_PLAIN_VALUE)
    public String sax(HttpServletRequest req) throws Exception {
        return XmlDocuments.sax(req.getInputStream());
    }

    @PostMapping(path = "/xxe/stax", produces = MediaType.TEXT_PLAIN_VALUE)
    public String stax(HttpServletRequest req) throws Exception {
        return XmlDocuments.stax(req.getInputStream());
    }

    @PostMapping(path = "/xxe/xmlreader", produces = MediaType.TEXT_PLAIN_VALUE)
    public String xmlreader(HttpServletRequest req) throws Exception {
        return XmlDocuments.xmlReader(req.getInputStream());
    }

    @PostMapping(path = "/xxe/stax-jdk", produces = MediaType.TEXT_PLAIN_VALUE)
    public String staxJdk(HttpServletRequest req) throws Exception {
        return XmlDocuments.staxJdk(req.getInputStream());
    }

    @PostMapping(path = "/xxe/xslt", produces = MediaType.TEXT_PLAIN_VALUE)
    public String xslt(HttpServletRequest req) throws Exception {
        return XmlDocuments.xslt(req.getInputStream());
    }

    @PostMapping(path = "/xxe/stylesheet", produces = MediaType.TEXT_PLAIN_VALUE)
    public String stylesheet(HttpServletRequest req) throws Exception {
        return XmlDocuments.stylesheet(req.getInputStream());
    }

    @PostMapping(path = "/xxe/validate", produces = MediaType.TEXT_PLAIN_VALUE)
    public String validate(HttpServletRequest req) throws Exception {
        return XmlDocuments.validate(req.getInputStream());
    }

    @PostMapping(path = "/xxe/schema", produces = MediaType.TEXT_PLAIN_VALUE)
    public String schema(HttpServletRequest req) throws Exception {
        return XmlDocuments.schema(req.getInputStream());
    }

    @PostMapping(path = "/xxe/jaxb-stax", produces = MediaType.TEXT_PLAIN_VALUE)
    public String jaxbStax(HttpServletRequest req) throws Exception {
        return JaxbDocuments.stax(req.getInputStream());
    }

    @PostMapping(path = "/xxe/jaxb-sax", produces = MediaType.TEXT_PLAIN_VALUE)
    public String jaxbSax(HttpServletRequest req) throws Exception {
        return JaxbDocuments.sax(req.getInputStream());
    }

    /** A gzip-compressed body (Content-Encoding: gzip), decompressed by the application and parsed as DOM. */
    @PostMapping(path = "/xxe/dom-gzip", produces = MediaType.TEXT_PLAIN_VALUE)
    public String domGzip(HttpServletRequest req) throws Exception {
        return XmlDocuments.dom(new GZIPInputStream(req.getInputStream()));
    }

    /** An uploaded XML file: the multipart body's file part {@code file}, parsed as DOM. */
    @PostMapping(path = "/xxe/upload", produces = MediaType.TEXT_PLAIN_VALUE)
    public String upload(@RequestParam("file") MultipartFile file) throws Exception {
        return XmlDocuments.dom(file.getInputStream());
    }

    @GetMapping(path = "/xxe/internal", produces = MediaType.TEXT_PLAIN_VALUE)
    public String internal() throws Exception {
        return XmlDocuments.internal();
    }
}
