package dev.rasp.core.instrumentation.sources;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.Named;
import dev.rasp.core.instrumentation.matching.TypeShape;

import static dev.rasp.core.instrumentation.matching.Matchers.failSafe;
import static dev.rasp.core.instrumentation.matching.Matchers.hasSuperType;
import static dev.rasp.core.instrumentation.matching.Matchers.isAbstract;
import static dev.rasp.core.instrumentation.matching.Matchers.isInterface;
import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.nameStartsWith;
import static dev.rasp.core.instrumentation.matching.Matchers.namedOneOf;
import static dev.rasp.core.instrumentation.matching.Matchers.not;
import static dev.rasp.core.instrumentation.matching.Matchers.returns;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * Inputs where the application reads them: the servlet request's parameters, cookies and path as
 * the container decoded them, multipart file names as the container or Spring parsed them, the
 * strings the application's JSON and XML parsers hand it, and the names of zip entries it reads.
 * The engine's own parse of the raw request stays as a fast path; where the two disagree (a
 * charset, a byte-order mark, an XML character reference, a multipart quirk) both values count.
 */
public final class SourcesInstrumentation implements InstrumentationModule {

    private static final String ZIP_ENTRY_ITERATOR = "java.util.zip.ZipFile$ZipEntryIterator";
    /**
     * Behind ZipFile.stream() and JarFile.stream(). Not ZipFile itself: retransforming it makes the
     * verifier load its nested iterator classes while the transformer is busy with ZipFile, which then
     * skips them (its circularity guard), and they would never be instrumented.
     */
    private static final String ZIP_ENTRY_SPLITERATOR = "java.util.zip.ZipFile$EntrySpliterator";
    private static final String JDK_DOM = "com.sun.org.apache.xerces.internal.dom.";
    private static final String JDK_STAX = "com.sun.org.apache.xerces.internal.impl.XMLStreamReaderImpl";

    @Override
    public String name() {
        return "sources";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names("javax.servlet.ServletRequest", "jakarta.servlet.ServletRequest",
                "javax.servlet.http.Part", "jakarta.servlet.http.Part",
                "org.springframework.web.multipart.MultipartFile",
                "org.apache.commons.fileupload.FileItem", "org.apache.commons.fileupload2.core.FileItem",
                "com.fasterxml.jackson.core.JsonParser", "tools.jackson.core.JsonParser",
                "com.google.gson.stream.JsonReader",
                "javax.json.stream.JsonParser", "jakarta.json.stream.JsonParser", "javax.json.JsonString", "jakarta.json.JsonString",
                "javax.xml.stream.XMLStreamReader", "org.w3c.dom.Node", "org.xml.sax.ContentHandler",
                "java.util.zip.ZipInputStream", "java.util.jar.JarInputStream", ZIP_ENTRY_SPLITERATOR, ZIP_ENTRY_ITERATOR);
    }

    @Override
    public Matcher<Named> bootstrapTypes() {
        return namedOneOf("java.util.zip.ZipInputStream", "java.util.jar.JarInputStream", ZIP_ENTRY_ITERATOR,
                        ZIP_ENTRY_SPLITERATOR, JDK_STAX)
                .or(nameStartsWith(JDK_DOM));
    }

    private static Matcher<TypeShape> implementing(String... names) {
        return not(isInterface()).and(failSafe(hasSuperType(namedOneOf(names))));
    }

    private static Matcher<TypeShape> servlet(String suffix) {
        return implementing("javax." + suffix, "jakarta." + suffix);
    }

    /** getInputStream() of an upload: the stream an XML parse of the uploaded file reads (XmlEntity check). */
    private static Matcher<MethodShape> uploadStream() {
        return isMethod().and(named("getInputStream")).and(not(isAbstract())).and(takesArguments(0))
                .and(returns(hasSuperType(named("java.io.InputStream"))));
    }

    /** A concrete method returning String with the given name and no arguments. */
    private static Matcher<MethodShape> text(String... names) {
        return isMethod().and(namedOneOf(names)).and(not(isAbstract())).and(takesArguments(0)).and(returns(String.class));
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader loader) {
        return builder
                .type(servlet("servlet.ServletRequest"))
                .transform(advice(loader)
                        .advice(isMethod().and(named("getParameter")).and(not(isAbstract()))
                                .and(takesArguments(String.class)).and(returns(String.class)), CachedAdvice.nested(SourceAdvice.class, "Parameter"))
                        .advice(isMethod().and(named("getParameterValues")).and(not(isAbstract()))
                                .and(takesArguments(String.class)).and(returns(String[].class)), CachedAdvice.nested(SourceAdvice.class, "ParameterValues"))
                        .advice(isMethod().and(named("getParameterMap")).and(not(isAbstract())).and(takesArguments(0)),
                                CachedAdvice.nested(SourceAdvice.class, "ParameterMap"))
                        .advice(isMethod().and(named("getParameterNames")).and(not(isAbstract())).and(takesArguments(0)),
                                CachedAdvice.nested(SourceAdvice.class, "ParameterNames"))
                        .advice(isMethod().and(named("getCookies")).and(not(isAbstract())).and(takesArguments(0)),
                                CachedAdvice.nested(SourceAdvice.class, "Cookies"))
                        .advice(text("getPathInfo", "getServletPath"), CachedAdvice.nested(SourceAdvice.class, "PathPart")))
                .type(servlet("servlet.http.Part"))
                .transform(advice(loader).advice(text("getSubmittedFileName"), CachedAdvice.nested(SourceAdvice.class, "PartFileName"))
                        .advice(uploadStream(), CachedAdvice.nested(SourceAdvice.class, "UploadStream")))
                .type(implementing("org.springframework.web.multipart.MultipartFile"))
                .transform(advice(loader).advice(text("getOriginalFilename"), CachedAdvice.nested(SourceAdvice.class, "UploadFileName"))
                        .advice(uploadStream(), CachedAdvice.nested(SourceAdvice.class, "UploadStream")))
                .type(implementing("org.apache.commons.fileupload.FileItem", "org.apache.commons.fileupload2.core.FileItem"))
                .transform(advice(loader)
                        .advice(text("getName"), CachedAdvice.nested(SourceAdvice.class, "UploadFileName"))
                        .advice(uploadStream(), CachedAdvice.nested(SourceAdvice.class, "UploadStream"))
                        .advice(isMethod().and(named("getString")).and(not(isAbstract())).and(returns(String.class))
                                .and(takesArguments(0).or(takesArguments(1))), CachedAdvice.nested(SourceAdvice.class, "UploadField")))
                // Jackson 2 and 3 (their XML, YAML, CBOR, Smile parsers are JsonParsers too)
                .type(implementing("com.fasterxml.jackson.core.JsonParser", "tools.jackson.core.JsonParser"))
                .transform(advice(loader)
                        .advice(text("nextFieldName", "currentName", "getCurrentName", "nextName"),
                                CachedAdvice.nested(SourceAdvice.class, "JsonName"))
                        .advice(text("getText", "getValueAsString", "nextTextValue", "getString", "nextStringValue"),
                                CachedAdvice.nested(SourceAdvice.class, "JsonValue"))
                        .advice(isMethod().and(named("getValueAsString")).and(not(isAbstract()))
                                .and(takesArguments(String.class)).and(returns(String.class)), CachedAdvice.nested(SourceAdvice.class, "JsonValue")))
                .type(named("com.google.gson.stream.JsonReader"))
                .transform(advice(loader)
                        .advice(text("nextName"), CachedAdvice.nested(SourceAdvice.class, "JsonName"))
                        .advice(text("nextString"), CachedAdvice.nested(SourceAdvice.class, "JsonValue")))
                .type(implementing("javax.json.stream.JsonParser", "jakarta.json.stream.JsonParser",
                        "javax.json.JsonString", "jakarta.json.JsonString"))
                .transform(advice(loader).advice(text("getString"), CachedAdvice.nested(SourceAdvice.class, "JsonValue")))
                // XML: StAX, DOM, SAX
                .type(implementing("javax.xml.stream.XMLStreamReader"))
                .transform(advice(loader)
                        .advice(text("getText"), CachedAdvice.nested(SourceAdvice.class, "XmlTextPiece"))
                        .advice(text("getElementText"), CachedAdvice.nested(SourceAdvice.class, "StaxElementText"))
                        .advice(isMethod().and(named("getAttributeValue")).and(not(isAbstract())).and(returns(String.class))
                                .and(takesArguments(int.class)), CachedAdvice.nested(SourceAdvice.class, "StaxAttributeAt"))
                        .advice(isMethod().and(named("getAttributeValue")).and(not(isAbstract())).and(returns(String.class))
                                .and(takesArguments(String.class, String.class)), CachedAdvice.nested(SourceAdvice.class, "StaxAttributeNamed"))
                        .advice(isMethod().and(named("next")).and(not(isAbstract())).and(takesArguments(0)).and(returns(int.class)),
                                CachedAdvice.nested(SourceAdvice.class, "StaxNext")))
                .type(implementing("org.w3c.dom.Node"))
                .transform(advice(loader)
                        .advice(text("getTextContent", "getNodeValue"), CachedAdvice.nested(SourceAdvice.class, "DomText"))
                        .advice(isMethod().and(named("getAttribute")).and(not(isAbstract()))
                                .and(takesArguments(String.class)).and(returns(String.class)), CachedAdvice.nested(SourceAdvice.class, "DomAttribute")))
                .type(implementing("org.xml.sax.ContentHandler"))
                .transform(advice(loader)
                        .advice(isMethod().and(named("characters")).and(not(isAbstract()))
                                .and(takesArguments(char[].class, int.class, int.class)), CachedAdvice.nested(SourceAdvice.class, "SaxCharacters"))
                        .advice(isMethod().and(named("startElement")).and(not(isAbstract())).and(takesArguments(4))
                                .and(takesArgument(3, named("org.xml.sax.Attributes"))), CachedAdvice.nested(SourceAdvice.class, "SaxStartElement"))
                        .advice(isMethod().and(named("endElement")).and(not(isAbstract())).and(takesArguments(3)),
                                CachedAdvice.nested(SourceAdvice.class, "SaxEndElement")))
                // archives
                .type(namedOneOf("java.util.zip.ZipInputStream", "java.util.jar.JarInputStream"))
                .transform(advice(loader).advice(isMethod().and(named("getNextEntry")).and(takesArguments(0)),
                        CachedAdvice.nested(SourceAdvice.class, "ZipEntryName")))
                .type(named(ZIP_ENTRY_SPLITERATOR))
                .transform(advice(loader).advice(isMethod().and(named("tryAdvance")).and(takesArguments(1)),
                        CachedAdvice.nested(SourceAdvice.class, "ZipEntryStream")))
                .type(named(ZIP_ENTRY_ITERATOR))
                .transform(advice(loader).advice(isMethod().and(namedOneOf("next", "nextElement")).and(takesArguments(0)),
                        CachedAdvice.nested(SourceAdvice.class, "ZipEntryName")));
    }

    private static CachedAdvice advice(ClassLoader loader) {
        return CachedAdvice.of(loader);
    }
}
