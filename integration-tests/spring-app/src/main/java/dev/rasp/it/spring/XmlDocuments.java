package dev.rasp.it.spring;

import java.io.InputStream;
import java.net.URL;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Deliberately XXE-prone XML parsing (the same in the javax app): the JDK's parsers in their default configuration,
 * which resolve external entities and DTDs. Each answers the text of the document's root element.
 */
final class XmlDocuments {
    private XmlDocuments() {}

    /** How much of a long text the answers show (a bomb's expansion is answered by its length). */
    static final int SHOWN = 4096;

    /** DocumentBuilderFactory as it comes: DTDs and external entities on. */
    static String dom(InputStream body) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(body);
        return doc.getDocumentElement().getTextContent();
    }

    /**
     * SAXParserFactory as it comes, with the JDK's entity limits switched off as an application that "needs" large
     * documents does: nothing but the agent then stops an entity-expansion bomb. Counts the text instead of keeping
     * it, so the bomb's effect is its length ({@code length=<n>}), not the heap.
     */
    static String sax(InputStream body) throws Exception {
        SAXParser parser = SAXParserFactory.newInstance().newSAXParser();
        for (String limit : new String[] {"entityExpansionLimit", "totalEntitySizeLimit", "maxGeneralEntitySizeLimit",
            "entityReplacementLimit"}) {
            parser.setProperty("jdk.xml." + limit, "0");
        }
        StringBuilder shown = new StringBuilder();
        long[] length = {0};
        parser.parse(new InputSource(body), new DefaultHandler() {
            @Override
            public void characters(char[] ch, int start, int n) {
                length[0] += n;
                if (shown.length() < SHOWN) {
                    shown.append(ch, start, Math.min(n, SHOWN - shown.length()));
                }
            }
        });
        return "length=" + length[0] + "\n" + shown;
    }

    /** XMLInputFactory as it comes: the JDK's StAX supports DTDs and replaces external entities. */
    static String stax(InputStream body) throws Exception {
        XMLStreamReader r = XMLInputFactory.newInstance().createXMLStreamReader(body);
        StringBuilder text = new StringBuilder();
        while (r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                text.append(r.getText());
            }
        }
        return text.toString();
    }

    /**
     * The application's own document from its class path, whose external entity is another class-path resource
     * named by a relative system id: the parser opens it itself, while serving the request.
     */
    static String internal() throws Exception {
        URL config = XmlDocuments.class.getResource("/xxe/config.xml");
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(config.toExternalForm());
        return doc.getDocumentElement().getTextContent().trim();
    }
}
