package dev.rasp.it;

import static dev.rasp.it.SourceCase.extracted;
import static dev.rasp.it.SourceCase.path;
import static dev.rasp.it.SourceCase.savedInWebroot;
import static dev.rasp.it.SourceCase.sql;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The input-source tables: every way of carrying a value to {@code /sources/...} that the application (the container,
 * Spring, Jackson, Gson, JSON-P, the JDK's XML parsers, {@code ZipInputStream}) reads differently from a naive raw parse
 * of the request bytes, with its benign twin. Each row says why such a raw parse misses the value the application used
 * ({@link SourceCase#why}); the no-agent test proves the application really reads it that way (the attack takes effect,
 * {@code X-Seen-Name} names the value), the block tests that the agent stops it all the same.
 *
 * <p>Sources the event may name: the agent captures values where the application reads them ({@code parameter},
 * {@code json}, {@code xml}, {@code multipart} for a part's file name as {@code <part>.filename}, {@code zip-entry} as
 * {@code entry}, {@code cookie}, {@code path}); its own raw parse names {@code query}, {@code form}, {@code json},
 * {@code multipart}, {@code body}. Where both could find the value the row allows either; XML and zip entries only the
 * capture can find.
 */
final class SourceCases {
    private SourceCases() {}

    static final String FORM = "application/x-www-form-urlencoded";
    static final String JSON = "application/json";
    static final String XML = "application/xml";
    static final String YAML = "application/yaml";
    static final String BOUNDARY = "----rasp-it-sources-Qx7fT2bLk9";
    /** The cookie attack: RFC 6265 cookie values may not hold spaces. */
    static final String COOKIE_TAUTOLOGY = "'OR'1'='1";
    /** The path rows' attack and its effect: a file two levels up from the upload area, in files/outside. */
    static final String UPLOAD_ATTACK = "../../outside/mp-{N}.txt";
    static final String UPLOAD_EFFECT = "{ROOT}/outside/mp-{N}.txt";
    static final String UPLOAD_TWIN = "photo-{N}.png";
    static final String ZIP_ATTACK = "../../outside/zipslip-{N}.txt";
    static final String ZIP_EFFECT = "{ROOT}/outside/zipslip-{N}.txt";
    static final String ZIP_TWIN = "docs/readme.txt";
    /** 200 nested arrays: deeper than serde_json's 128 levels, within Jackson's 1000 (2.15+) and Parsson's limits. */
    static final int DEEP = 200;
    /** The file part of the large-upload rows (past the 1 MiB of request input the agent keeps by default). */
    static final int BIG = 1536 * 1024;

    static final Predicate<String> NAME = n -> n != null && n.equals("name");
    static final Predicate<String> JSON_NAME = n -> n != null && (n.equals("name") || n.endsWith(".name"));
    static final Predicate<String> XML_NAME = n -> n != null && (n.equals("name") || n.endsWith("/name") || n.endsWith("/@name")
        || n.endsWith(".name") || n.endsWith("@name"));
    static final Predicate<String> FILE_PART = n -> n != null && n.startsWith("file");
    static final Predicate<String> ARCHIVE_ENTRY = n -> n != null && n.equals("entry");

    // ================================================================== Spring (Tomcat 10)

    static List<SourceCase> spring() {
        List<SourceCase> all = new ArrayList<>();
        String s = "spring";

        // ---------------------------------------------------------------- form bodies, Tomcat decoding with the declared charset
        all.add(form(s, "UTF-8, no charset (control)", v -> plainForm(v, null))
            .why("control: the raw parse decodes as the container does"));
        all.add(form(s, "charset=UTF-16: UTF-16BE bytes percent-encoded, the parameter name too", v -> utf16Form(v, "UTF-16", StandardCharsets.UTF_16BE))
            .why("UTF-8 decoding of the percent-decoded bytes gives NUL-interleaved text: neither 'name' nor the quote sequence appear"));
        all.add(form(s, "charset=UTF-16BE, percent-encoded", v -> utf16Form(v, "UTF-16BE", StandardCharsets.UTF_16BE))
            .why("as UTF-16: every ASCII character is a NUL and itself"));
        all.add(form(s, "charset=UTF-16LE, percent-encoded", v -> utf16Form(v, "UTF-16LE", StandardCharsets.UTF_16LE))
            .why("as UTF-16: every ASCII character is itself and a NUL"));
        all.add(form(s, "charset=ISO-8859-1, a Latin-1 byte before the quote", v -> latinForm(v, "ISO-8859-1"))
            .attack("\u00e9" + SourceCase.TAUTOLOGY, "\u00e9" + SourceCase.TAUTOLOGY)
            .why("%E9 is no UTF-8: the raw value starts with U+FFFD, the application's with \u00e9, so the raw value is not in the SQL"));
        all.add(form(s, "charset=windows-1252, the euro sign (0x80) before the quote", v -> latinForm(v, "windows-1252"))
            .attack("\u20ac" + SourceCase.TAUTOLOGY, "\u20ac" + SourceCase.TAUTOLOGY)
            .why("0x80 is a lone UTF-8 continuation byte: U+FFFD in the raw value, \u20ac in the application's"));

        // ---------------------------------------------------------------- JSON: Spring's Jackson converter (@RequestBody record)
        all.add(json(s, "/sources/json", "UTF-8 (control)", v -> jsonBody(v)).why("control"));
        all.add(json(s, "/sources/json", "UTF-8 BOM before the object", v -> concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, jsonBody(v)))
            .why("a strict JSON parser rejects the BOM (RFC 8259 says it must not be there); Jackson skips it"));
        all.add(json(s, "/sources/json", "trailing garbage after the object", v -> utf8(jsonText(v) + " garbage ]]] {"))
            .why("a strict parser rejects trailing data; Jackson stops after the first value (FAIL_ON_TRAILING_TOKENS off)"));
        all.add(json(s, "/sources/json", "a second document after the object", v -> utf8(jsonText(v) + "{\"name\":\"bob\"}"))
            .why("two documents are no JSON text; Jackson binds the first"));
        all.add(json(s, "/sources/json", DEEP + " nested arrays before the field", v -> utf8("{\"pad\":" + "[".repeat(DEEP)
                + "]".repeat(DEEP) + ",\"name\":" + str(v) + "}"))
            .why("a parser that stops at 128 levels (serde_json) rejects the whole body; Jackson allows 1000 and ignores pad"));
        for (Charset cs : List.of(StandardCharsets.UTF_16LE, StandardCharsets.UTF_16BE, Charset.forName("UTF-32LE"), Charset.forName("UTF-32BE"))) {
            all.add(json(s, "/sources/json", cs.name() + " body, no charset declared", v -> jsonText(v).getBytes(cs))
                .why("read as UTF-8 the body is NUL-interleaved; Jackson detects the encoding from the first bytes (RFC 4627)"));
        }
        all.add(json(s, "/sources/json", "UTF-16 with a BOM", v -> jsonText(v).getBytes(StandardCharsets.UTF_16))
            .why("FE FF and NUL-interleaved text; Jackson detects the BOM"));
        // ---------------------------------------------------------------- JSON: @RequestBody JsonNode, the field found anywhere
        all.add(json(s, "/sources/json-tree", "the field inside " + DEEP + " nested objects",
                v -> utf8("{\"a\":".repeat(DEEP) + jsonText(v) + "}".repeat(DEEP)))
            .why("past 128 levels a depth-limited parser rejects the body"));
        all.add(json(s, "/sources/json-tree", "the field inside " + DEEP + " nested arrays",
                v -> utf8("[".repeat(DEEP) + jsonText(v) + "]".repeat(DEEP)))
            .why("past 128 levels a depth-limited parser rejects the body"));
        all.add(json(s, "/sources/json-tree", "a duplicated key, the last one wins", v -> utf8("{\"name\":\"bob\",\"name\":" + str(v) + "}"))
            .why("a parser that keeps the first of duplicated keys (or rejects them) never sees the second"));
        // ---------------------------------------------------------------- Gson (lenient JsonParser.parseReader)
        all.add(json(s, "/sources/gson", "strict JSON (control)", v -> jsonBody(v)).why("control"));
        all.add(json(s, "/sources/gson", "a comment and an unquoted key", v -> utf8("/* lenient */ {name: " + str(v) + "}"))
            .why("no JSON: a strict parser rejects it; Gson's lenient reader takes comments and unquoted names"));
        all.add(json(s, "/sources/gson", "a single-quoted key", v -> utf8("{'name':" + str(v) + "}"))
            .why("no JSON: single quotes; Gson's lenient reader takes them"));
        all.add(json(s, "/sources/gson", "the XSSI prefix )]}' before the object", v -> utf8(")]}'\n" + jsonText(v)))
            .why("no JSON: Gson skips the non-execute prefix"));
        // ---------------------------------------------------------------- JSON-P (Parsson)
        all.add(json(s, "/sources/jsonp", "UTF-8 (control)", v -> jsonBody(v)).why("control"));
        all.add(json(s, "/sources/jsonp", "UTF-8 BOM", v -> concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, jsonBody(v)))
            .why("a strict parser rejects the BOM; Parsson skips it"));
        all.add(json(s, "/sources/jsonp", "UTF-16LE, no charset", v -> jsonText(v).getBytes(StandardCharsets.UTF_16LE))
            .why("NUL-interleaved as UTF-8; Parsson detects the encoding"));
        all.add(json(s, "/sources/jsonp", "UTF-32BE, no charset", v -> jsonText(v).getBytes(Charset.forName("UTF-32BE")))
            .why("three NULs before each character as UTF-8; Parsson detects the encoding"));
        all.add(json(s, "/sources/jsonp", "trailing garbage", v -> utf8(jsonText(v) + " garbage"))
            .why("a strict parser rejects trailing data; Parsson's readObject() stops after the object"));
        all.add(json(s, "/sources/jsonp", "a duplicated key, the last one wins", v -> utf8("{\"name\":\"bob\",\"name\":" + str(v) + "}"))
            .why("a parser keeping the first of duplicated keys never sees the second"));
        all.add(json(s, "/sources/jsonp", DEEP + " nested arrays before the field", v -> utf8("{\"pad\":" + "[".repeat(DEEP)
                + "]".repeat(DEEP) + ",\"name\":" + str(v) + "}"))
            .why("past 128 levels a depth-limited parser rejects the body"));

        // ---------------------------------------------------------------- XML: Jackson's XML format (@RequestBody, woodstox)
        String nothingRaw = "no raw parse reads XML: the value exists only as the parser delivers it";
        all.addAll(xml(s, "/sources/xml", nothingRaw, true));
        // ---------------------------------------------------------------- XML: the JDK's DOM, StAX, SAX
        for (String p : List.of("/sources/xml-dom", "/sources/xml-stax", "/sources/xml-sax")) {
            all.addAll(xml(s, p, nothingRaw, false));
        }

        // ---------------------------------------------------------------- cookies (Tomcat's RFC 6265 parser; @CookieValue URL-decodes)
        all.add(cookie(s, "/sources/cookie", "name=V (control)", v -> "name=" + v).why("control"));
        all.add(cookie(s, "/sources/cookie", "a quoted value: name=\"V\"", v -> "name=\"" + v + "\"")
            .why("Tomcat drops the DQUOTEs; a naive split keeps them, and \"'OR'1'='1\" is not in the SQL"));
        all.add(cookie(s, "/sources/cookie", "an opening quote only: name=\"V", v -> "name=\"" + v)
            .why("Tomcat drops the lone DQUOTE; a naive split keeps it"));
        all.add(cookie(s, "/sources/cookie", "spaces around '=': name = V", v -> "name = " + v)
            .why("Tomcat trims name and value; a naive split on '=' keeps ' " + COOKIE_TAUTOLOGY + "' with its space"));
        all.add(cookie(s, "/sources/cookie", "RFC 2109 attributes: $Version=1; name=V; $Path=/", v -> "$Version=1; name=" + v + "; $Path=/")
            .why("control for the $-attributes Tomcat skips"));
        all.add(cookie(s, "/sources/cookie", "percent-encoded, URL-decoded by @CookieValue", v -> "name=" + pctAll(v))
            .attack(COOKIE_TAUTOLOGY, COOKIE_TAUTOLOGY).benign("alice", "alice", "alice")
            .why("the cookie carries %27OR%271%27%3D%271; Spring's @CookieValue decodes it (only a decode-once-more derived form finds it)"));
        all.add(cookie(s, "/sources/cookie", "the name twice, @CookieValue takes the first", v -> "name=" + v + "; name=bob")
            .why("a parser keeping the last cookie of a name sees bob"));
        all.add(cookie(s, "/sources/cookies", "getCookies() (control)", v -> "name=" + v).why("control"));
        all.add(cookie(s, "/sources/cookies", "getCookies(), a quoted value", v -> "name=\"" + v + "\"")
            .why("Tomcat drops the DQUOTEs; a naive split keeps them"));
        all.add(cookie(s, "/sources/cookies", "getCookies(), the name twice, the application takes the last", v -> "name=bob; name=" + v)
            .why("a parser keeping the first cookie of a name sees bob"));

        // ---------------------------------------------------------------- path segments: Spring's @PathVariable, Tomcat's getPathInfo
        all.add(pathSql(s, "/sources/path/", "a percent-encoded segment (control)", "", "").why("control"));
        all.add(pathSql(s, "/sources/path/", "a path parameter after it: ;jsessionid=abc", "", ";jsessionid=abc")
            .why("the path parameter is no part of the value; a parser that does not split it off sees V;jsessionid=abc"));
        all.add(pathSql(s, "/sources/path/", "two path parameters: ;a=1;b=2", "", ";a=1;b=2")
            .why("as above, with two parameters"));
        all.add(pathSql(s, "/sources/path/", "an encoded semicolon %3B inside the segment", "x%3B", "")
            .attack(SourceCase.TAUTOLOGY, "x;" + SourceCase.TAUTOLOGY).benign("alice", "x;alice")
            .why("Spring splits path parameters off before decoding, so x;' OR '1'='1 is the value; decode-then-split sees x"));
        all.add(pathSql(s, "/sources/pathinfo/", "getPathInfo(), a percent-encoded segment (control)", "", "").why("control"));
        all.add(pathSql(s, "/sources/pathinfo/", "getPathInfo(), a path parameter ;jsessionid=abc", "", ";jsessionid=abc")
            .why("Tomcat removes the path parameter from getPathInfo()"));
        all.add(pathSql(s, "/sources/pathinfo/", "getPathInfo(), an encoded semicolon %3B", "x%3B", "")
            .attack(SourceCase.TAUTOLOGY, "x;" + SourceCase.TAUTOLOGY).benign("alice", "x;alice")
            .why("Tomcat keeps %3B as a ';' of the value; decode-then-split sees x"));
        all.add(pathSql(s, "/sources/pathinfo/", "getPathInfo() spans two segments, the first with a path parameter", "x;p=1/", "")
            .attack(SourceCase.TAUTOLOGY, "x/" + SourceCase.TAUTOLOGY).benign("alice", "x/alice")
            .eventValues("x/" + SourceCase.TAUTOLOGY, SourceCase.TAUTOLOGY)
            .why("the application's value x/' OR '1'='1 is no single segment; the last segment alone is also in the SQL"));
        all.add(pathSql(s, "/sources/pathinfo/", "getPathInfo() after Tomcat's '..;' normalisation: a/..;/V", "a/..;/", "")
            .why("Tomcat drops the path parameter of '..;' and then the '..': the value is the last segment"));

        // ---------------------------------------------------------------- multipart file names: Spring's MultipartFile (ContentDisposition.parse)
        String mp = "/sources/multipart";
        all.add(upload(s, mp, "filename=\"V\" (control)", v -> filePart("filename=\"" + v + "\"")).why("control"));
        all.add(upload(s, mp, "RFC 2231 filename*=UTF-8''..%2F..", v -> filePart("filename*=UTF-8''" + pctPath(v)))
            .why("the raw parameter is UTF-8''..%2F..%2F...: a parser without RFC 2231 never decodes it to the path"));
        all.add(upload(s, mp, "filename* before a decoy filename (Spring prefers filename*)",
                v -> filePart("filename*=UTF-8''" + pctPath(v) + "; filename=\"decoy.txt\""))
            .why("a parser reading filename sees decoy.txt"));
        all.add(upload(s, mp, "filename twice, Spring takes the first", v -> filePart("filename=\"" + v + "\"; filename=\"decoy.txt\""))
            .why("a parser keeping the last filename sees decoy.txt"));
        all.add(upload(s, mp, "two boundary parameters, the container uses the last", v -> twoBoundaries(v))
            .why("a parser using the first boundary finds no part"));
        all.add(upload(s, mp, "the boundary inside a field value", v -> boundaryInValue(v))
            .why("a parser splitting on --boundary without the CRLF before it ends the body inside the first field"));
        all.add(upload(s, mp, "an unquoted filename", v -> filePart("filename=" + v)).why("control for unquoted tokens"));
        // ---------------------------------------------------------------- multipart file names: the servlet API (Part.getSubmittedFileName)
        String part = "/sources/multipart-part";
        all.add(upload(s, part, "filename=\"V\" (control)", v -> filePart("filename=\"" + v + "\"")).why("control"));
        all.add(upload(s, part, "RFC 2231 filename*=UTF-8''..%2F..", v -> filePart("filename*=UTF-8''" + pctPath(v)))
            .why("Tomcat decodes filename* (RFC 2231); the raw parameter is UTF-8''..%2F..%2F..."));
        all.add(upload(s, part, "a decoy filename before filename* (Tomcat takes the last)",
                v -> filePart("filename=\"decoy.txt\"; filename*=UTF-8''" + pctPath(v)))
            .why("a parser reading filename sees decoy.txt"));
        all.add(upload(s, part, "filename twice, Tomcat takes the last", v -> filePart("filename=\"decoy.txt\"; filename=\"" + v + "\""))
            .why("a parser keeping the first filename sees decoy.txt"));
        all.add(upload(s, part, "backslash escapes in the quoted filename", v -> filePart("filename=\"" + v.replace("/", "\\/").replace("-", "\\-") + "\""))
            .why("Tomcat unquotes ..\\/..\\/outside\\/mp\\-N.txt to the path; backslashes-as-slashes gives ..//..//, in no sink"));
        all.add(upload(s, part, "two boundary parameters, the container uses the last", v -> twoBoundaries(v))
            .why("a parser using the first boundary finds no part"));
        all.add(upload(s, part, "the boundary inside a field value", v -> boundaryInValue(v))
            .why("a parser splitting on --boundary without the CRLF before it ends the body inside the first field"));

        // ---------------------------------------------------------------- zip entries (ZipInputStream.getNextEntry)
        String zipWhy = "the entry name is inside the (deflated) archive: no raw parse splits zip files";
        all.add(zip(s, "/sources/zip", "application/octet-stream", "one entry", v -> zipOf(v), List.of()).why(zipWhy));
        all.add(zip(s, "/sources/zip", "application/zip", "after a harmless entry", v -> zipOf("docs/intro.txt", v), List.of("docs/intro.txt"))
            .why(zipWhy));
        all.add(path(s, "the archive as multipart part archive", "/sources/zip-multipart",
                v -> new SourceCase.Req("POST", "/sources/zip-multipart", "multipart/form-data; boundary=" + BOUNDARY,
                    new Multipart(BOUNDARY).part("form-data; name=\"archive\"; filename=\"upload.zip\"", "application/zip", zipOf(v)).end(),
                    List.of()),
                ZIP_ATTACK, ZIP_EFFECT, ZIP_TWIN, extracted(ZIP_TWIN))
            .sources("zip-entry").inputName("entry", ARCHIVE_ENTRY).why(zipWhy));

        // ---------------------------------------------------------------- zip entries: java.util.zip.ZipFile over the saved upload, JarInputStream
        String zipFileWhy = "the entry name is in the archive's central directory (read by ZipFile from the saved file): no raw parse splits zip files";
        all.add(zip(s, "/sources/zipfile", "application/octet-stream", "ZipFile.entries(), one entry", v -> zipOf(v), List.of())
            .why(zipFileWhy));
        all.add(zip(s, "/sources/zipfile", "application/zip", "ZipFile.entries(), after a harmless entry", v -> zipOf("docs/intro.txt", v),
                List.of("docs/intro.txt"))
            .why(zipFileWhy));
        all.add(zip(s, "/sources/zipfile-stream", "application/octet-stream", "ZipFile.stream(), one entry", v -> zipOf(v), List.of())
            .why(zipFileWhy));
        all.add(zip(s, "/sources/zipfile-stream", "application/zip", "ZipFile.stream(), after a harmless entry",
                v -> zipOf("docs/intro.txt", v), List.of("docs/intro.txt"))
            .why(zipFileWhy));
        all.add(zip(s, "/sources/jar", "application/octet-stream", "JarInputStream.getNextJarEntry(), one entry", v -> zipOf(v), List.of())
            .why(zipWhy));
        all.add(zip(s, "/sources/jar", "application/java-archive", "JarInputStream.getNextJarEntry(), after a harmless entry",
                v -> zipOf("docs/intro.txt", v), List.of("docs/intro.txt"))
            .why(zipWhy));

        // ---------------------------------------------------------------- YAML: Jackson's YAMLMapper.readTree (its parser is a JsonParser)
        all.add(yaml(s, "double-quoted (control)", v -> "name: \"" + v + "\"\n")
            .why("control: no JSON or form parse reads YAML, but the value is in the bytes as sent"));
        all.add(yaml(s, "double-quoted with \\x27 escapes (and \\x61 for every a)",
                v -> "name: \"" + v.replace("'", "\\x27").replace("a", "\\x61") + "\"\n")
            .why("the bytes hold \\x27 OR \\x271\\x27=\\x271: only YAML's unescaping gives the quotes"));
        all.add(yaml(s, "single-quoted, quotes doubled ('')", v -> "name: '" + v.replace("'", "''") + "'\n")
            .why("the bytes hold '''' OR ''1''=''1': the doubled quotes are one quote each only to YAML"));
        all.add(yaml(s, "a literal block scalar (|-)", v -> "name: |-\n  " + v + "\n")
            .why("no quotes around the value: a block scalar, read only by a YAML parser"));
        all.add(yaml(s, "a document start, a comment and a flow mapping", v -> "--- # the user\n{pad: [1, 2], name: \"" + v + "\"}\n")
            .why("YAML flow style with a comment and a document marker: no JSON"));

        // ---------------------------------------------------------------- a large upload and a text field
        all.add(sql(s, "1.5 MB file part, then the field name", "/sources/upload-then-query", v -> bigUpload(v, false))
            .sources("multipart", "parameter", "form").inputName("name", NAME)
            .why("the file part alone is past the 1 MiB the raw parse keeps: the field must still be found, and alice served"));
        all.add(sql(s, "the field name, then a 1.5 MB file part", "/sources/upload-then-query", v -> bigUpload(v, true))
            .sources("multipart", "parameter", "form").inputName("name", NAME)
            .why("as above, the field first"));
        return all;
    }

    // ================================================================== javax (Jetty 10)

    static List<SourceCase> javax() {
        List<SourceCase> all = new ArrayList<>();
        String j = "javax";
        all.add(form(j, "UTF-8, no charset (control)", v -> plainForm(v, null)).why("control"));
        all.add(form(j, "charset=UTF-16: the body is UTF-16 text (Jetty decodes the characters, then the form)",
                v -> new SourceCase.Req("POST", "/sources/form", FORM + "; charset=UTF-16", ("name=" + v).getBytes(StandardCharsets.UTF_16), List.of()))
            .why("BOM and NUL-interleaved bytes: as UTF-8 the body holds neither 'name=' nor the quote sequence"));
        all.add(form(j, "charset=UTF-16BE, percent-encoded", v -> utf16Form(v, "UTF-16BE", StandardCharsets.UTF_16BE))
            .why("as UTF-16: every ASCII character is a NUL and itself"));
        all.add(form(j, "charset=UTF-16LE, percent-encoded", v -> utf16Form(v, "UTF-16LE", StandardCharsets.UTF_16LE))
            .why("as UTF-16: every ASCII character is itself and a NUL"));
        all.add(form(j, "charset=ISO-8859-1, a Latin-1 byte before the quote", v -> latinForm(v, "ISO-8859-1"))
            .attack("\u00e9" + SourceCase.TAUTOLOGY, "\u00e9" + SourceCase.TAUTOLOGY)
            .why("%E9 is no UTF-8: U+FFFD in the raw value"));
        all.add(form(j, "charset=windows-1252, the euro sign (0x80) before the quote", v -> latinForm(v, "windows-1252"))
            .attack("\u20ac" + SourceCase.TAUTOLOGY, "\u20ac" + SourceCase.TAUTOLOGY)
            .why("0x80 is a lone UTF-8 continuation byte"));

        all.add(json(j, "/sources/json", "UTF-8 (control)", v -> jsonBody(v)).why("control"));
        all.add(json(j, "/sources/json", "UTF-8 BOM", v -> concat(new byte[] {(byte) 0xef, (byte) 0xbb, (byte) 0xbf}, jsonBody(v)))
            .why("a strict parser rejects the BOM; Jackson skips it"));
        all.add(json(j, "/sources/json", "trailing garbage", v -> utf8(jsonText(v) + " garbage ]]] {"))
            .why("a strict parser rejects trailing data; readTree stops after the first value"));
        all.add(json(j, "/sources/json", "the field inside " + DEEP + " nested arrays", v -> utf8("[".repeat(DEEP) + jsonText(v) + "]".repeat(DEEP)))
            .why("past 128 levels a depth-limited parser rejects the body"));
        all.add(json(j, "/sources/json", "a duplicated key, the last one wins", v -> utf8("{\"name\":\"bob\",\"name\":" + str(v) + "}"))
            .why("a parser keeping the first of duplicated keys never sees the second"));
        all.add(json(j, "/sources/json", "UTF-16LE, no charset", v -> jsonText(v).getBytes(StandardCharsets.UTF_16LE))
            .why("NUL-interleaved as UTF-8; Jackson detects the encoding"));
        all.add(json(j, "/sources/json", "UTF-32BE, no charset", v -> jsonText(v).getBytes(Charset.forName("UTF-32BE")))
            .why("NUL-padded as UTF-8; Jackson detects the encoding"));
        all.add(new Json(j, "/sources/json-reader", "getReader() with charset=UTF-16 declared, a UTF-16 body",
                v -> new SourceCase.Req("POST", "/sources/json-reader", JSON + "; charset=UTF-16", jsonText(v).getBytes(StandardCharsets.UTF_16), List.of()))
            .build().why("Jetty decodes the characters with the declared charset; as UTF-8 the bytes are NUL-interleaved"));
        // ---------------------------------------------------------------- multipart file names: Apache Commons FileUpload 1.x (FileItem.getName)
        all.add(fileUpload(j, "filename=\"V\" (control)", v -> filePart("filename=\"" + v + "\"")).why("control"));
        all.add(fileUpload(j, "filename twice, Commons FileUpload takes the last", v -> filePart("filename=\"decoy.txt\"; filename=\"" + v + "\""))
            .why("a parser keeping the first filename sees decoy.txt"));
        all.add(fileUpload(j, "an unquoted filename", v -> filePart("filename=" + v)).why("control for unquoted tokens"));
        all.add(fileUpload(j, "two boundary parameters, Commons FileUpload uses the last", v -> twoBoundaries(v))
            .why("a parser using the first boundary finds no part"));
        all.add(fileUpload(j, "the boundary inside a field value", v -> boundaryInValue(v))
            .why("a parser splitting on --boundary without the CRLF before it ends the body inside the first field"));
        // Commons FileUpload 1.5 knows no RFC 2231: filename* alone leaves the part without a file name (a form field)
        all.add(fileUpload(j, "a decoy filename* before filename (Commons FileUpload 1.5 ignores filename*)",
                v -> filePart("filename*=UTF-8''decoy.txt; filename=\"" + v + "\""))
            .why("a parser preferring filename* (RFC 6266, as Spring does) sees decoy.txt"));

        all.add(json(j, "/sources/json-reader", "getReader(), the field inside " + DEEP + " nested objects",
                v -> utf8("{\"a\":".repeat(DEEP) + jsonText(v) + "}".repeat(DEEP)))
            .why("past 128 levels a depth-limited parser rejects the body"));
        return all;
    }

    static List<SourceCase> table(String app) {
        return app.equals("spring") ? spring() : javax();
    }

    /**
     * Rows the agent has no capture for yet: proven injectable without the agent only ({@link SourcesVulnerableWithoutAgentIT}),
     * not in the block tables. Commons FileUpload's text field ({@code FileItem.getString()}) is read from the item's own
     * buffer, after the multipart parse, by no hooked method.
     */
    static List<SourceCase> notCapturedYet(String app) {
        List<SourceCase> all = new ArrayList<>();
        if (app.equals("javax")) {
            all.add(sql(app, "Commons FileUpload text field name, FileItem.getString() (not captured yet)", "/sources/fileupload-query",
                    v -> new SourceCase.Req("POST", "/sources/fileupload-query", "multipart/form-data; boundary=" + BOUNDARY,
                        new Multipart(BOUNDARY)
                            .part("form-data; name=\"file\"; filename=\"notes.txt\"", "text/plain", utf8("uploaded by the test\n"))
                            .part("form-data; name=\"name\"", null, utf8(v))
                            .end(), List.of()))
                .sources("multipart", "form").inputName("name", NAME)
                .why("the field is in the multipart body as sent; the application reads it from Commons FileUpload's FileItem"));
            all.add(sql(app, "Commons FileUpload text field in UTF-16BE, the part's charset, FileItem.getString() (not captured yet)",
                    "/sources/fileupload-query",
                    v -> new SourceCase.Req("POST", "/sources/fileupload-query", "multipart/form-data; boundary=" + BOUNDARY,
                        new Multipart(BOUNDARY)
                            .part("form-data; name=\"name\"", "text/plain; charset=UTF-16BE", v.getBytes(StandardCharsets.UTF_16BE))
                            .end(), List.of()))
                .sources("multipart", "form").inputName("name", NAME)
                .why("NUL-interleaved as UTF-8; getString() decodes with the part's declared charset"));
        }
        return all;
    }

    // ================================================================== row builders

    static SourceCase form(String app, String id, Function<String, SourceCase.Req> req) {
        return sql(app, id, "/sources/form", req).sources("parameter", "form").inputName("name", NAME);
    }

    static SourceCase json(String app, String path, String id, Function<String, byte[]> body) {
        return new Json(app, path, id, v -> new SourceCase.Req("POST", path, JSON, body.apply(v), List.of())).build();
    }

    /** JSON rows: the captured JsonParser / JsonReader / JSON-P value, or the raw JSON parse: source json. */
    private record Json(String app, String path, String id, Function<String, SourceCase.Req> req) {
        SourceCase build() {
            return sql(app, id, path, req).sources("json").inputName("name, $.name or a path ending in .name", JSON_NAME);
        }
    }

    /**
     * The XML rows of one endpoint: element text and attribute, plain and as character references ({@code &#39;} for
     * every quote, {@code &#97;} for every a, so the twin alice goes through one too), CDATA and UTF-16 for Jackson's.
     */
    static List<SourceCase> xml(String app, String path, String why, boolean jackson) {
        List<SourceCase> out = new ArrayList<>();
        out.add(xmlRow(app, path, "element text", v -> "<user><name>" + v + "</name></user>", jackson, why));
        out.add(xmlRow(app, path, "element text as character references &#39;", v -> "<user><name>" + charRefs(v) + "</name></user>", jackson,
            why + "; &#39; OR &#39;1&#39;=&#39;1 is no attack to any scan of the bytes"));
        out.add(xmlRow(app, path, "attribute", v -> "<user name=\"" + v + "\"/>", jackson, why));
        out.add(xmlRow(app, path, "attribute as character references &#39;", v -> "<user name=\"" + charRefs(v) + "\"/>", jackson,
            why + "; character references in the attribute"));
        if (jackson || path.endsWith("-sax")) {
            out.add(xmlRow(app, path, "element text in CDATA", v -> "<user><name><![CDATA[" + v + "]]></name></user>", jackson, why));
        }
        if (jackson) {
            out.add(sql(app, "UTF-16 document with its declaration", path,
                    v -> new SourceCase.Req("POST", path, XML, ("<?xml version=\"1.0\" encoding=\"UTF-16\"?><user><name>" + v
                        + "</name></user>").getBytes(StandardCharsets.UTF_16), List.of()))
                .sources("xml", "json").inputName("user/name (or @name)", XML_NAME).why(why + "; UTF-16 bytes"));
        }
        return out;
    }

    private static SourceCase xmlRow(String app, String path, String id, Function<String, String> doc, boolean jackson, String why) {
        SourceCase c = sql(app, id, path, v -> new SourceCase.Req("POST", path, XML, utf8(doc.apply(v)), List.of()))
            .inputName("user/name (or @name)", XML_NAME).why(why);
        // Jackson's XML parser is a JsonParser: its values may be captured as json as well as xml
        return jackson ? c.sources("xml", "json") : c.sources("xml");
    }

    /** YAML rows: Jackson's YAML parser is a JsonParser, so its values are captured as json. */
    static SourceCase yaml(String app, String id, Function<String, String> doc) {
        return sql(app, id, "/sources/yaml", v -> new SourceCase.Req("POST", "/sources/yaml", YAML, utf8(doc.apply(v)), List.of()))
            .sources("json").inputName("name, $.name or a path ending in .name", JSON_NAME);
    }

    static SourceCase cookie(String app, String path, String id, Function<String, String> header) {
        return sql(app, id, path, v -> new SourceCase.Req("GET", path, null, null, List.of("Cookie", header.apply(v))))
            .attack(COOKIE_TAUTOLOGY, COOKIE_TAUTOLOGY).sources("cookie").inputName("name", NAME);
    }

    /** A path row: GET prefix + before + segment(V) + after. */
    static SourceCase pathSql(String app, String prefix, String id, String before, String after) {
        return sql(app, id, prefix, v -> new SourceCase.Req("GET", prefix + before + Endpoint.pathSegment(v) + after, null, null, List.of()))
            .sources("path").inputName("any (the contract does not name path segments)", n -> true)
            .requestPathPrefix("/sources/path");
    }

    /** Commons FileUpload rows: the capture at {@code FileItem.getName()}, exactly multipart / file.filename. */
    static SourceCase fileUpload(String app, String id, Function<String, byte[][]> body) {
        return upload(app, "/sources/fileupload", id, body).sources("multipart")
            .inputName("file.filename", n -> "file.filename".equals(n));
    }

    static SourceCase upload(String app, String path, String id, Function<String, byte[][]> body) {
        return path(app, id, path, v -> {
                byte[][] b = body.apply(v);
                return new SourceCase.Req("POST", path, new String(b[0], StandardCharsets.US_ASCII), b[1], List.of());
            }, UPLOAD_ATTACK, UPLOAD_EFFECT, UPLOAD_TWIN, savedInWebroot())
            // the capture at the part's file name says multipart; the engine's own multipart parse has said form
            .sources("multipart", "form").inputName("file.filename (or file)", FILE_PART);
    }

    static SourceCase zip(String app, String path, String type, String id, Function<String, byte[]> archive, List<String> before) {
        List<String> entries = new ArrayList<>(before);
        entries.add(ZIP_TWIN);
        return path(app, id + " (" + type + ")", path, v -> new SourceCase.Req("POST", path, type, archive.apply(v), List.of()),
                ZIP_ATTACK, ZIP_EFFECT, ZIP_TWIN, extracted(entries.toArray(new String[0])))
            .sources("zip-entry").inputName("entry", ARCHIVE_ENTRY);
    }

    // ================================================================== bodies

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Every byte as %XX. */
    static String pct(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (byte x : b) {
            s.append(String.format("%%%02X", x & 0xff));
        }
        return s.toString();
    }

    /** Every character's UTF-8 bytes as %XX, letters too. */
    static String pctAll(String v) {
        return pct(utf8(v));
    }

    /** RFC 5987 value chars: letters, digits, and . - _ stay; everything else (the slashes) as %XX. */
    static String pctPath(String v) {
        StringBuilder s = new StringBuilder();
        for (byte x : utf8(v)) {
            int c = x & 0xff;
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '.' || c == '-' || c == '_')) {
                s.append((char) c);
            } else {
                s.append(String.format("%%%02X", c));
            }
        }
        return s.toString();
    }

    static String str(String v) {
        return JsonNodeFactory.instance.textNode(v).toString();
    }

    static String jsonText(String v) {
        return "{\"name\":" + str(v) + "}";
    }

    static byte[] jsonBody(String v) {
        return utf8(jsonText(v));
    }

    /** Every quote as &#39; and every a as &#97;. */
    static String charRefs(String v) {
        return v.replace("'", "&#39;").replace("a", "&#97;");
    }

    static SourceCase.Req plainForm(String v, String charset) {
        return new SourceCase.Req("POST", "/sources/form", charset == null ? FORM : FORM + "; charset=" + charset,
            utf8("name=" + Http.enc(v)), List.of());
    }

    /** The name and the value encoded in UTF-16 (this byte order), every byte percent-encoded (Tomcat's reading). */
    static SourceCase.Req utf16Form(String v, String declared, Charset bytes) {
        return new SourceCase.Req("POST", "/sources/form", FORM + "; charset=" + declared,
            utf8(pct("name".getBytes(bytes)) + "=" + pct(v.getBytes(bytes))), List.of());
    }

    static SourceCase.Req latinForm(String v, String charset) {
        return new SourceCase.Req("POST", "/sources/form", FORM + "; charset=" + charset, utf8("name=" + pct(v.getBytes(Charset.forName(charset)))),
            List.of());
    }

    /** [content type, body]: one part file with this Content-Disposition tail. */
    static byte[][] filePart(String filenameParams) {
        return multipart(BOUNDARY, new Multipart(BOUNDARY)
            .part("form-data; name=\"file\"; " + filenameParams, "application/octet-stream", utf8("uploaded by the test\n")).end());
    }

    static byte[][] multipart(String boundary, byte[] body) {
        return new byte[][] {utf8("multipart/form-data; boundary=" + boundary), body};
    }

    /** Content-Type with boundary=decoy then boundary=BOUNDARY; the body uses the second. */
    static byte[][] twoBoundaries(String v) {
        byte[] body = new Multipart(BOUNDARY).part("form-data; name=\"file\"; filename=\"" + v + "\"", "application/octet-stream",
            utf8("uploaded by the test\n")).end();
        return new byte[][] {utf8("multipart/form-data; boundary=decoy-boundary-1; boundary=" + BOUNDARY), body};
    }

    /** A field whose value holds "--BOUNDARY--" (no CRLF before it: data), then the file part. */
    static byte[][] boundaryInValue(String v) {
        byte[] body = new Multipart(BOUNDARY)
            .part("form-data; name=\"note\"", null, utf8("see below--" + BOUNDARY + "--"))
            .part("form-data; name=\"file\"; filename=\"" + v + "\"", "application/octet-stream", utf8("uploaded by the test\n"))
            .end();
        return multipart(BOUNDARY, body);
    }

    /** multipart: a 1.5 MB file part and the field name (before or after it). */
    static SourceCase.Req bigUpload(String v, boolean fieldFirst) {
        byte[] big = new byte[BIG];
        new Random(42).nextBytes(big);
        Multipart m = new Multipart(BOUNDARY);
        if (fieldFirst) {
            m.part("form-data; name=\"name\"", null, utf8(v));
        }
        m.part("form-data; name=\"file\"; filename=\"big.bin\"", "application/octet-stream", big);
        if (!fieldFirst) {
            m.part("form-data; name=\"name\"", null, utf8(v));
        }
        return new SourceCase.Req("POST", "/sources/upload-then-query", "multipart/form-data; boundary=" + BOUNDARY, m.end(), List.of());
    }

    static byte[] zipOf(String... names) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(b)) {
            for (String n : names) {
                z.putNextEntry(new ZipEntry(n));
                z.write(utf8("entry " + n + "\n"));
                z.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.toByteArray();
    }

    /** A multipart/form-data body, part by part. */
    static final class Multipart {
        private final String boundary;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Multipart(String boundary) {
            this.boundary = boundary;
        }

        Multipart part(String disposition, String contentType, byte[] content) {
            StringBuilder h = new StringBuilder("--").append(boundary).append("\r\nContent-Disposition: ").append(disposition).append("\r\n");
            if (contentType != null) {
                h.append("Content-Type: ").append(contentType).append("\r\n");
            }
            h.append("\r\n");
            out.writeBytes(utf8(h.toString()));
            out.writeBytes(content);
            out.writeBytes(utf8("\r\n"));
            return this;
        }

        byte[] end() {
            out.writeBytes(utf8("--" + boundary + "--\r\n"));
            return out.toByteArray();
        }
    }
}
