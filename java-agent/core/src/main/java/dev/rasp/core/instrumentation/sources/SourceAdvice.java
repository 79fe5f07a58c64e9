package dev.rasp.core.instrumentation.sources;

import dev.rasp.bootstrap.InputSources;
import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import net.bytebuddy.asm.Advice;

import java.util.Map;
import java.util.zip.ZipEntry;

/**
 * Exit advice of the APIs applications read input from: each hands what the application got to
 * the bridge, which keeps it for the request being served (one ThreadLocal read otherwise).
 * Grouped by API in {@link SourcesInstrumentation}.
 */
public final class SourceAdvice {

    private SourceAdvice() {
    }

    // ---- servlet request (javax, jakarta)

    /** ServletRequest.getParameter(String). */
    public static final class Parameter {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) String name, @Advice.Return String value) {
            RaspBridge.captureInput(InputSources.PARAMETER, name, value);
        }
    }

    /** ServletRequest.getParameterValues(String). */
    public static final class ParameterValues {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) String name, @Advice.Return String[] values) {
            RaspBridge.captureInputs(InputSources.PARAMETER, name, values);
        }
    }

    /** ServletRequest.getParameterMap(). */
    public static final class ParameterMap {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return Map<?, ?> parameters) {
            RaspBridge.captureParameterMap(parameters);
        }
    }

    /** HttpServletRequest.getCookies(). */
    public static final class Cookies {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return Object[] cookies) {
            RaspBridge.captureObject(RaspHooks.CAPTURE_COOKIES, null, cookies);
        }
    }

    /** HttpServletRequest.getPathInfo(), getServletPath(): the path as the container decoded and normalised it. */
    public static final class PathPart {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Origin("#m") String method, @Advice.Return String value) {
            RaspBridge.captureInput(InputSources.PATH, method, value);
        }
    }

    /** Part.getSubmittedFileName(). */
    public static final class PartFileName {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object part, @Advice.Return String fileName) {
            RaspBridge.captureObject(RaspHooks.CAPTURE_PART_FILENAME, part, fileName);
        }
    }

    /** Spring's MultipartFile.getOriginalFilename(), Commons FileUpload's FileItem.getName(). */
    public static final class UploadFileName {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object file, @Advice.Return String fileName) {
            RaspBridge.captureObject(RaspHooks.CAPTURE_UPLOAD_FILENAME, file, fileName);
        }
    }

    // ---- JSON parsers (Jackson 2 and 3, and so Jackson's XML, YAML, CBOR...; Gson; JSON-P)

    /** A field name the parser returned (nextFieldName, currentName, nextName, Gson nextName). */
    public static final class JsonName {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return String name) {
            RaspBridge.captureJsonName(name);
        }
    }

    /** A value the parser returned as text (getText, getValueAsString, nextTextValue, Gson nextString, JSON-P getString). */
    public static final class JsonValue {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return String value) {
            RaspBridge.captureJsonValue(value);
        }
    }

    // ---- XML (the JDK's StAX, DOM and SAX, and any other implementation of those APIs)

    /** XMLStreamReader.getText(): a piece of text, possibly cut at a character reference. */
    public static final class XmlTextPiece {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return String text) {
            RaspBridge.captureXmlText(text);
        }
    }

    /** XMLStreamReader.next(): an element boundary ends a run of text pieces. */
    public static final class XmlNext {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return int event) {
            // START_ELEMENT 1, END_ELEMENT 2, END_DOCUMENT 8
            if (event == 1 || event == 2 || event == 8) {
                RaspBridge.xmlBoundary();
            }
        }
    }

    /** Whole text or attribute values: getElementText, Node.getTextContent/getNodeValue, Attr.getValue, getAttributeValue. */
    public static final class XmlValue {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return String value) {
            RaspBridge.captureInput(InputSources.XML, "text", value);
        }
    }

    /** Element.getAttribute(String). */
    public static final class XmlAttribute {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(0) String name, @Advice.Return String value) {
            RaspBridge.captureInput(InputSources.XML, "@" + name, value);
        }
    }

    /** ContentHandler.characters(char[], int, int). */
    public static final class SaxCharacters {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(0) char[] ch, @Advice.Argument(1) int start, @Advice.Argument(2) int length) {
            RaspBridge.captureXmlChars(ch, start, length);
        }
    }

    /** ContentHandler.startElement(uri, localName, qName, Attributes). */
    public static final class SaxStartElement {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(3) org.xml.sax.Attributes attributes) {
            RaspBridge.xmlBoundary();
            RaspBridge.captureXmlAttributes(attributes);
        }
    }

    /** ContentHandler.endElement(uri, localName, qName). */
    public static final class SaxEndElement {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            RaspBridge.xmlBoundary();
        }
    }

    // ---- archives

    /** ZipInputStream.getNextEntry(), ZipFile's entry iterator: the entry the application is about to read. */
    public static final class ZipEntryName {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return Object entry) {
            if (entry instanceof ZipEntry) {
                RaspBridge.captureZipEntry((ZipEntry) entry);
            }
        }
    }
}
