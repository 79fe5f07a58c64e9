package dev.rasp.it.spring;

import jakarta.xml.bind.JAXBContext;
import jakarta.xml.bind.annotation.XmlRootElement;
import jakarta.xml.bind.annotation.XmlValue;
import java.io.InputStream;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.stream.XMLInputFactory;
import javax.xml.transform.sax.SAXSource;
import org.xml.sax.InputSource;

/**
 * Deliberately XXE-prone JAXB: the request's document unmarshalled through a source the application configured
 * itself (JAXB's own unmarshal(InputStream) parses with secure processing on), the JDK's StAX or SAX as they come.
 */
final class JaxbDocuments {
    private JaxbDocuments() {}

    /** The document {@code <r>text</r>}. */
    @XmlRootElement(name = "r")
    public static class R {
        @XmlValue
        public String text;
    }

    private static final JAXBContext CONTEXT;

    static {
        try {
            CONTEXT = JAXBContext.newInstance(R.class);
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Unmarshaller over the JDK's XMLStreamReader, external entities on. */
    static String stax(InputStream body) throws Exception {
        XMLInputFactory factory = XMLInputFactory.newDefaultFactory();
        factory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, true);
        R r = (R) CONTEXT.createUnmarshaller().unmarshal(factory.createXMLStreamReader(body));
        return r.text;
    }

    /** Unmarshaller over a SAXSource with the JDK's XMLReader as it comes. */
    static String sax(InputStream body) throws Exception {
        SAXParserFactory spf = SAXParserFactory.newDefaultInstance();
        spf.setNamespaceAware(true);
        SAXSource source = new SAXSource(spf.newSAXParser().getXMLReader(), new InputSource(body));
        R r = (R) CONTEXT.createUnmarshaller().unmarshal(source);
        return r.text;
    }
}
