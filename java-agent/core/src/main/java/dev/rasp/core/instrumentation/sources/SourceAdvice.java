package dev.rasp.core.instrumentation.sources;

import dev.rasp.bootstrap.InputSources;
import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.core.instrumentation.weaving.Advice;

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

    /**
     * ServletRequest.getParameterNames(): the application gets an Enumeration that hands each name
     * to the bridge as it is read (reading the names here would consume them, and reading the
     * parameter map re-enters the container: Tomcat's getParameterMap walks getParameterNames).
     */
    public static final class ParameterNames {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return(readOnly = false) java.util.Enumeration<String> names) {
            names = RaspBridge.captureParameterNames(names);
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

    /** Part, MultipartFile, FileItem getInputStream(): the uploaded content, for the XML entity check. */
    public static final class UploadStream {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Return Object stream) {
            RaspBridge.onUploadStream(stream);
        }
    }

    /** Commons FileUpload's FileItem.getString([charset]): a text field's value. */
    public static final class UploadField {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object item, @Advice.Return String value) {
            RaspBridge.captureObject(RaspHooks.CAPTURE_UPLOAD_FIELD, item, value);
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

    /** XMLStreamReader.next(): element boundaries name the values and end runs of text pieces. */
    public static final class StaxNext {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object reader, @Advice.Return int event) {
            RaspBridge.staxEvent(reader, event);
        }
    }

    /** XMLStreamReader.getElementText(): named before it reads on to the end tag. */
    public static final class StaxElementText {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static String enter() {
            return RaspBridge.staxElementPath();
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Enter String path, @Advice.Return String value) {
            RaspBridge.captureXmlValue(path, value);
        }
    }

    /** XMLStreamReader.getAttributeValue(int). */
    public static final class StaxAttributeAt {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object reader, @Advice.Argument(0) int index, @Advice.Return String value) {
            RaspBridge.captureStaxAttribute(reader, index, value);
        }
    }

    /** XMLStreamReader.getAttributeValue(namespace, localName). */
    public static final class StaxAttributeNamed {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.Argument(1) String name, @Advice.Return String value) {
            RaspBridge.captureXmlAttribute(name, value);
        }
    }

    /** Node.getTextContent(), getNodeValue(). */
    public static final class DomText {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object node, @Advice.Return String value) {
            RaspBridge.captureDomText(node, value);
        }
    }

    /** Element.getAttribute(String). */
    public static final class DomAttribute {
        @Advice.OnMethodExit(suppress = Throwable.class)
        public static void exit(@Advice.This Object element, @Advice.Argument(0) String name, @Advice.Return String value) {
            RaspBridge.captureDomAttribute(element, name, value);
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
        public static void enter(@Advice.Argument(2) String qName, @Advice.Argument(3) org.xml.sax.Attributes attributes) {
            RaspBridge.captureXmlElement(qName, attributes);
        }
    }

    /** ContentHandler.endElement(uri, localName, qName). */
    public static final class SaxEndElement {
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter() {
            RaspBridge.xmlEnd();
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

    /** ZipFile.stream(), JarFile.stream(): their spliterator's tryAdvance hands each entry to a capturing consumer. */
    public static final class ZipEntryStream {
        @SuppressWarnings({"rawtypes", "unchecked"})
        @Advice.OnMethodEnter(suppress = Throwable.class)
        public static void enter(@Advice.Argument(value = 0, readOnly = false) java.util.function.Consumer action) {
            action = RaspBridge.captureZipEntries(action);
        }
    }
}
