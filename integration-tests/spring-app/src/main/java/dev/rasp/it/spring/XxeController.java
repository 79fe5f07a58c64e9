package dev.rasp.it.spring;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** XML bodies parsed by the JDK's DOM, SAX and StAX in their default (XXE-prone) configuration: see XmlDocuments. */
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

    @GetMapping(path = "/xxe/internal", produces = MediaType.TEXT_PLAIN_VALUE)
    public String internal() throws Exception {
        return XmlDocuments.internal();
    }
}
