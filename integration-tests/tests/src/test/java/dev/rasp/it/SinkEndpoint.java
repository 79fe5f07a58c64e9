package dev.rasp.it;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The command and file endpoints of the two applications (CommandController / FileController in the Spring app,
 * SinkServlets in the javax app). Each takes its input in one parameter, sent the way {@link Send} says.
 */
public enum SinkEndpoint {
    // ---------------------------------------------------------------- processes
    /** {@code new ProcessBuilder("sh", "-c", "getent hosts " + host)}. */
    LOOKUP_SH("/cmd/lookup-sh", Send.QUERY, "host", Kind.CMD, null, true),
    /** {@code new ProcessBuilder("getent", "hosts", host)}. */
    LOOKUP_ARGV("/cmd/lookup", Send.QUERY, "host", Kind.CMD, null, true),
    /** {@code Runtime.exec("ls " + dir)} in the base directory. */
    LS("/cmd/listing", Send.QUERY, "dir", Kind.CMD, null, true),
    /** The same code on the route /cmd/ls, whose last path segment is the program's name. */
    LS_ROUTE("/cmd/ls", Send.QUERY, "dir", Kind.CMD, null, true),
    /** {@code Runtime.exec(new String[] {"sh", "-c", "echo " + msg})}, a form field. */
    ECHO("/cmd/echo", Send.FORM, "msg", Kind.CMD, null, true),
    /** {@code Runtime.exec(cmd)}. */
    RUN("/cmd/run", Send.QUERY, "cmd", Kind.CMD, null, true),
    /** The same endpoint without cmd: {@code Runtime.exec(new String[] {"echo", arg})}. */
    RUN_ARG("/cmd/run", Send.QUERY, "arg", Kind.CMD, null, true),
    /** GREETING=input in the child's environment (JSON body), printed by a constant bash script. */
    GREET("/cmd/greet", Send.JSON, "greeting", Kind.CMD, null, true),
    /** LD_PRELOAD=input. */
    PRELOAD("/cmd/preload", Send.QUERY, "lib", Kind.CMD, null, true),
    /** BASH_ENV=input (a form field): bash expands it and sources the file. */
    BASH_ENV("/cmd/bash-env", Send.FORM, "profile", Kind.CMD, null, true),
    /** {@code tar -cf <tmp>/x.tar -C <base> <name>...}; the parameter may repeat. */
    ARCHIVE("/cmd/archive", Send.QUERY, "name", Kind.CMD, null, true),

    // ---------------------------------------------------------------- command shapes (Spring's CommandShapesController)
    /** {@code line=NAME=value}: the client names an environment variable of {@code bash -c 'echo "ok $NOTE"'}. */
    ENV_LINE("/cmd2/env", Send.QUERY, "line", Kind.CMD, null, false),
    /** The same endpoint, {@code note=value}: the variable NOTE, printed. */
    ENV_NOTE("/cmd2/env", Send.QUERY, "note", Kind.CMD, null, false),
    /** V=input re-evaluated: {@code sh -c 'eval "$V"'}. */
    ENV_EVAL("/cmd2/env-eval", Send.QUERY, "v", Kind.CMD, null, false),
    /** V=input as data: {@code sh -c 'grep -c -- "$V" notes.txt'}. */
    ENV_GREP("/cmd2/env-grep", Send.QUERY, "v", Kind.CMD, null, false),
    /** {@code timeout 20 tar -cf <tmp>/x.tar -C <base> <name>...}; the parameter may repeat. */
    ARCHIVE_TIMEOUT("/cmd2/archive-timeout", Send.QUERY, "name", Kind.CMD, null, false),
    /** {@code tar -cf <tmp>/x.tar -C <base> -- <name>}. */
    ARCHIVE_DASHDASH("/cmd2/archive-dashdash", Send.QUERY, "name", Kind.CMD, null, false),
    /** {@code Runtime.exec("find <base> -name " + name)}. */
    FIND_NAME("/cmd2/find", Send.QUERY, "name", Kind.CMD, null, false),
    /** {@code sh -c "cd <base> && tar -cf <tmp>/x.tar <files> && tar -tf <tmp>/x.tar"}. */
    BACKUP("/cmd2/backup", Send.QUERY, "files", Kind.CMD, null, false),
    /** {@code git grep --no-index -n -e <pattern> -- .} over a jvm.conf holding -Xmx512m. */
    GIT_GREP("/cmd2/git-grep", Send.QUERY, "pattern", Kind.CMD, null, false),
    /** {@code sh -c 'echo "$1"' echo <msg>}. */
    ECHO_ARG("/cmd2/echo-arg", Send.QUERY, "msg", Kind.CMD, null, false),

    // ---------------------------------------------------------------- files
    /** {@code new FileInputStream(new File(base, name))}. */
    READ("/files/read", Send.QUERY, "name", Kind.PATH, "read", true),
    /**
     * {@code new FileInputStream(new File(base, name))} in a servlet filter registered first in the container's chain,
     * which answers the request itself (FileReadingFilter in both apps): a sink before any servlet.
     */
    FILTER_READ("/filter/files/read", Send.QUERY, "name", Kind.PATH, "read", true),
    /** {@code Files.readAllBytes(base.resolve(name))}. */
    READ_NIO("/files/read-nio", Send.QUERY, "name", Kind.PATH, "read", true),
    /** URL-decodes the name once more, then {@code Files.readAllBytes(base.resolve(name))}. */
    READ_DECODED("/files/read-decoded", Send.QUERY, "name", Kind.PATH, "read", true),
    /** Turns backslashes into slashes, then {@code new FileInputStream(new File(base, name))}. */
    READ_WIN("/files/read-win", Send.QUERY, "name", Kind.PATH, "read", true),
    /** {@code Files.readAllBytes(Paths.get(path))} (meant: relative to the working directory). */
    READ_ABS("/files/read-abs", Send.QUERY, "path", Kind.PATH, "read", true),
    /** {@code new RandomAccessFile(new File(base, name), "r")}. */
    READ_RAF("/files/read-raf", Send.QUERY, "name", Kind.PATH, "read", true),
    /** Spring only: {@code new FileSystemResource(base + "/" + name).getInputStream()}. */
    RESOURCE("/files/resource", Send.QUERY, "name", Kind.PATH, "read", false),
    /** {@code Files.write(base.resolve(name), body)}, text/plain body. */
    WRITE("/files/write", Send.TEXT, "name", Kind.PATH, "write", true),
    /** {@code new FileOutputStream(new File(base, name))}, text/plain body. */
    WRITE_IO("/files/write-io", Send.TEXT, "name", Kind.PATH, "write", true),
    /** {@code Files.delete(base.resolve(name))}, a form field. */
    DELETE("/files/delete", Send.FORM, "name", Kind.PATH, "delete", true),
    /** {@code new File(base, name).delete()}, a form field. */
    DELETE_IO("/files/delete-io", Send.FORM, "name", Kind.PATH, "delete", true),
    /** {@code Files.list(base.resolve(dir))}. */
    LIST("/files/list", Send.QUERY, "dir", Kind.PATH, "list", true),
    /** {@code new File(base, dir).list()}. */
    LIST_IO("/files/list-io", Send.QUERY, "dir", Kind.PATH, "list", true),
    /** Raw body saved as {@code webroot.resolve(name)}. */
    UPLOAD("/files/upload", Send.RAW, "name", Kind.PATH, "write", true),
    /** Multipart part "file" saved under its submitted file name in the webroot (the input is the file name). */
    UPLOAD_MULTIPART("/files/upload-multipart", Send.MULTIPART, "filename", Kind.PATH, "write", true),
    /** {@code Files.copy(base.resolve(from), base.resolve(to))}: the input is from (form). */
    COPY_FROM("/files/copy", Send.FORM, "from", Kind.PATH, "read", true),
    /** The same, the input is to. */
    COPY_TO("/files/copy", Send.FORM, "to", Kind.PATH, "write", true),
    /** {@code new File(base, dir).mkdir()}, a form field. */
    MKDIR("/files/mkdir", Send.FORM, "dir", Kind.PATH, "write", true),

    // ---------------------------------------------------------------- hand-offs (Spring's HandOffController)
    /** {@code sh -c "getent hosts " + host} run by an application pool task ({@code submit(..).get()}). */
    HANDOFF_LOOKUP_SH("/handoff/cmd/lookup-sh", Send.QUERY, "host", Kind.CMD, null, false),
    /** {@code new FileInputStream(new File(base, name))} read by an application pool task. */
    HANDOFF_READ("/handoff/files/read", Send.QUERY, "name", Kind.PATH, "read", false);

    /** How the input travels. */
    public enum Send {
        /** GET ?input=v (repeated for several values). */
        QUERY("query", "GET"),
        /** POST application/x-www-form-urlencoded. */
        FORM("form", "POST"),
        /** POST {"input": v}. */
        JSON("json", "POST"),
        /** POST ?input=v with a text/plain body. */
        TEXT("query", "POST"),
        /** POST ?input=v with an application/octet-stream body. */
        RAW("query", "POST"),
        /** POST multipart/form-data, one part "file" whose filename is v. */
        MULTIPART(null, "POST");

        /** The event's input.source, null when the contract does not say (multipart). */
        final String source;
        final String method;

        Send(String source, String method) {
            this.source = source;
            this.method = method;
        }
    }

    /** The sink kind an event names: category cmdi + sink.kind "cmd", or category path + sink.kind "path". */
    public enum Kind {
        CMD("cmdi", "cmd"), PATH("path", "path");

        final String category;
        final String sinkKind;

        Kind(String category, String sinkKind) {
            this.category = category;
            this.sinkKind = sinkKind;
        }
    }

    static final String TEXT_BODY = "written by the integration test\n";
    static final String RAW_BODY = "\u0089PNG not really an image\n";

    final String path;
    final Send send;
    final String input;
    final Kind kind;
    /** For path sinks: the op the event names in sink.op (read, write, delete, list). */
    final String op;
    final boolean inJavaxApp;

    SinkEndpoint(String path, Send send, String input, Kind kind, String op, boolean inJavaxApp) {
        this.path = path;
        this.send = send;
        this.input = input;
        this.kind = kind;
        this.op = op;
        this.inJavaxApp = inJavaxApp;
    }

    public boolean in(String app) {
        return app.equals("spring") || inJavaxApp;
    }

    /** Sends the input values (one or more) and the other parameters of the endpoint. */
    public Http.Resp send(Http http, List<String> values, Map<String, String> extra) {
        List<String[]> params = new ArrayList<>();
        extra.forEach((k, v) -> params.add(new String[] {k, v}));
        for (String v : values) {
            params.add(new String[] {input, v});
        }
        switch (send) {
            case QUERY:
                return http.get(path + "?" + encode(params));
            case FORM:
                return http.send("POST", path, "application/x-www-form-urlencoded", encode(params));
            case JSON: {
                ObjectNode o = JsonNodeFactory.instance.objectNode();
                params.forEach(p -> o.put(p[0], p[1]));
                return http.postJson(path, o.toString());
            }
            case TEXT:
                return http.send("POST", path + "?" + encode(params), "text/plain; charset=UTF-8", TEXT_BODY);
            case RAW:
                return http.send("POST", path + "?" + encode(params), "application/octet-stream", RAW_BODY);
            case MULTIPART: {
                String boundary = "----rasp-it-boundary-7MA4YWxkTrZu0gW";
                StringBuilder b = new StringBuilder();
                for (String v : values) {
                    b.append("--").append(boundary).append("\r\n")
                        .append("Content-Disposition: form-data; name=\"file\"; filename=\"").append(v).append("\"\r\n")
                        .append("Content-Type: application/octet-stream\r\n\r\n")
                        .append(RAW_BODY).append("\r\n");
                }
                b.append("--").append(boundary).append("--\r\n");
                String q = extra.isEmpty() ? "" : "?" + encode(params.subList(0, extra.size()));
                return http.send("POST", path + q, "multipart/form-data; boundary=" + boundary, b.toString());
            }
            default:
                throw new IllegalStateException();
        }
    }

    static String encode(List<String[]> params) {
        StringJoiner j = new StringJoiner("&");
        params.forEach(p -> j.add(Http.enc(p[0]) + "=" + Http.enc(p[1])));
        return j.toString();
    }

    public String method() {
        return send.method;
    }

    public String describe() {
        return name().toLowerCase().replace('_', '-') + "(" + (send.source == null ? "multipart" : send.source) + " " + input + ")";
    }
}
