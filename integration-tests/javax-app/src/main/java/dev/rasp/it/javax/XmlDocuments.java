package dev.rasp.it.javax;

import java.io.InputStream;
import java.io.StringWriter;
import java.net.URL;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.SAXParser;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamReader;
import javax.xml.transform.Templates;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.stream.StreamResult;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import org.w3c.dom.Document;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.XMLReader;
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

    /** An XMLReader of the JDK's own SAXParserFactory (not one an other library put on the class path), as it comes. */
    static String xmlReader(InputStream body) throws Exception {
        XMLReader reader = SAXParserFactory.newDefaultInstance().newSAXParser().getXMLReader();
        StringBuilder text = new StringBuilder();
        reader.setContentHandler(new DefaultHandler() {
            @Override
            public void characters(char[] ch, int start, int n) {
                text.append(ch, start, n);
            }
        });
        reader.parse(new InputSource(body));
        return text.toString();
    }

    /**
     * The JDK's own StAX (Woodstox, which jackson-dataformat-xml brings, is what newInstance() returns in the Spring
     * app), external entities explicitly on: the text of the document.
     */
    static String staxJdk(InputStream body) throws Exception {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, true);
        factory.setProperty(XMLInputFactory.SUPPORT_DTD, true);
        XMLStreamReader r = factory.createXMLStreamReader(body);
        StringBuilder text = new StringBuilder();
        while (r.hasNext()) {
            int event = r.next();
            if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                text.append(r.getText());
            }
        }
        return text.toString();
    }

    /** The request's document transformed by the application's own stylesheet (class path), the JDK's XSLTC. */
    static String xslt(InputStream body) throws Exception {
        URL xsl = XmlDocuments.class.getResource("/xxe/text.xsl");
        StringWriter out = new StringWriter();
        TransformerFactory.newDefaultInstance().newTransformer(new StreamSource(xsl.toExternalForm()))
            .transform(new StreamSource(body), new StreamResult(out));
        return out.toString();
    }

    /** A stylesheet from the request applied to a fixed document: the XSLT's own DTD and entities are resolved. */
    static String stylesheet(InputStream body) throws Exception {
        Templates templates = TransformerFactory.newDefaultInstance().newTemplates(new StreamSource(body));
        StringWriter out = new StringWriter();
        templates.newTransformer().transform(new StreamSource(new java.io.StringReader("<r>doc</r>")),
            new StreamResult(out));
        return out.toString();
    }

    /**
     * The request's document validated against the application's own schema (class path), the JDK's validator:
     * answers the validated document as the validator passes it on (entities expanded).
     */
    static String validate(InputStream body) throws Exception {
        Schema schema = SchemaFactory.newDefaultInstance()
            .newSchema(XmlDocuments.class.getResource("/xxe/r.xsd"));
        StringWriter out = new StringWriter();
        schema.newValidator().validate(new StreamSource(body), new StreamResult(out));
        return out.toString();
    }

    /**
     * A schema from the request (an upload that is checked before use): "schema ok", or the rejection with the
     * parser's message, as a schema registry tells its client what is wrong.
     */
    static String schema(InputStream body) throws Exception {
        try {
            SchemaFactory.newDefaultInstance().newSchema(new StreamSource(body));
            return "schema ok";
        } catch (SAXException e) {
            return "schema rejected: " + e.getMessage();
        }
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
