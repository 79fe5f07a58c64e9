package dev.rasp.it;

import static dev.rasp.it.SinkCase.DEEP;
import static dev.rasp.it.SinkCase.Effect.answerContains;
import static dev.rasp.it.SinkCase.Effect.creates;
import static dev.rasp.it.SinkCase.Effect.deletes;
import static dev.rasp.it.SinkCase.Effect.leaksSecret;
import static dev.rasp.it.SinkCase.Effect.marker;
import static dev.rasp.it.SinkCase.Effect.none;
import static dev.rasp.it.SinkCase.HIDDEN;
import static dev.rasp.it.SinkCase.NOTES;
import static dev.rasp.it.SinkCase.PASSWD;
import static dev.rasp.it.SinkCase.REPORT;
import static dev.rasp.it.SinkCase.all;
import static dev.rasp.it.SinkCase.attack;
import static dev.rasp.it.SinkCase.benign;
import static dev.rasp.it.SinkCase.content;
import static dev.rasp.it.SinkCase.createFile;
import static dev.rasp.it.SinkCase.entries;
import static dev.rasp.it.SinkCase.exitAndOutput;
import static dev.rasp.it.SinkCase.fileExists;
import static dev.rasp.it.SinkCase.fileGone;
import static dev.rasp.it.SinkCase.fileHolds;
import static dev.rasp.it.SinkCase.ranWithoutMarker;
import static dev.rasp.it.SinkEndpoint.ARCHIVE;
import static dev.rasp.it.SinkEndpoint.BASH_ENV;
import static dev.rasp.it.SinkEndpoint.COPY_FROM;
import static dev.rasp.it.SinkEndpoint.COPY_TO;
import static dev.rasp.it.SinkEndpoint.DELETE;
import static dev.rasp.it.SinkEndpoint.DELETE_IO;
import static dev.rasp.it.SinkEndpoint.ECHO;
import static dev.rasp.it.SinkEndpoint.FILTER_READ;
import static dev.rasp.it.SinkEndpoint.GREET;
import static dev.rasp.it.SinkEndpoint.LIST;
import static dev.rasp.it.SinkEndpoint.LIST_IO;
import static dev.rasp.it.SinkEndpoint.LOOKUP_ARGV;
import static dev.rasp.it.SinkEndpoint.LOOKUP_SH;
import static dev.rasp.it.SinkEndpoint.LS;
import static dev.rasp.it.SinkEndpoint.LS_ROUTE;
import static dev.rasp.it.SinkEndpoint.MKDIR;
import static dev.rasp.it.SinkEndpoint.PRELOAD;
import static dev.rasp.it.SinkEndpoint.READ;
import static dev.rasp.it.SinkEndpoint.READ_ABS;
import static dev.rasp.it.SinkEndpoint.READ_DECODED;
import static dev.rasp.it.SinkEndpoint.READ_NIO;
import static dev.rasp.it.SinkEndpoint.READ_RAF;
import static dev.rasp.it.SinkEndpoint.READ_WIN;
import static dev.rasp.it.SinkEndpoint.RESOURCE;
import static dev.rasp.it.SinkEndpoint.RUN;
import static dev.rasp.it.SinkEndpoint.RUN_ARG;
import static dev.rasp.it.SinkEndpoint.UPLOAD;
import static dev.rasp.it.SinkEndpoint.UPLOAD_MULTIPART;
import static dev.rasp.it.SinkEndpoint.WRITE;
import static dev.rasp.it.SinkEndpoint.WRITE_IO;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The command-injection and path-traversal tables. Every attack names the rule it must be blocked with and the
 * side effect it has when nothing stops it (the same table proves, without the agent, that the endpoints are
 * vulnerable); every endpoint has benign twins. Templates: {M} marker path, {N} unique number, {ROOT} files root.
 */
public final class SinkCases {
    private SinkCases() {}

    static final String SECRET_UP = "../../outside/secret.txt";

    /** Shell structure added to {@code sh -c "getent hosts <host>"}. */
    static final List<String> SHELL_HOST_ATTACKS = List.of(
        "127.0.0.1; touch {M}",
        "127.0.0.1 && touch {M}",
        "$(touch {M})",
        "`touch {M}`",
        "127.0.0.1|touch {M}",
        "127.0.0.1 > {M}",
        "127.0.0.1\ntouch {M}");

    static List<SinkCase> attackTable(String app) {
        List<SinkCase> all = new ArrayList<>();
        // ---- commands
        SHELL_HOST_ATTACKS.forEach(p -> all.add(attack(LOOKUP_SH, "cmdi.shell", p, marker())));
        for (String p : List.of("hi; touch {M}", "$(touch {M})", "hi > {M}")) {
            all.add(attack(ECHO, "cmdi.shell", p, marker()));
        }
        all.add(attack(ECHO, "cmdi.unparsable", "hi $(touch {M}", none("sh rejects the unterminated script")));
        all.add(attack(RUN, "cmdi.program", "touch {M}", marker()));
        all.add(attack(RUN, "cmdi.program", "/usr/bin/touch {M}", marker()));
        all.add(attack(BASH_ENV, "cmdi.env", "$(touch {M})", marker()));
        all.add(attack(PRELOAD, "cmdi.env", "/tmp/rasp-it-evil-{N}.so", answerContains("rasp-it-evil-{N}.so")));
        all.add(attack(GREET, "cmdi.env", "() { :; }; touch {M}", none("bash is patched against Shellshock")));
        all.add(attack(ARCHIVE, "cmdi.option", List.of("--use-compress-program=touch {M}", "notes.txt"), marker())
            .eventInput("--use-compress-program=touch {M}"));
        all.add(attack(ARCHIVE, "cmdi.option", List.of("--checkpoint=1", "--checkpoint-action=exec=touch {M}", "notes.txt"),
            marker()).eventInput("--checkpoint=1", "--checkpoint-action=exec=touch {M}"));

        // ---- reads
        all.add(attack(READ, "path.traversal", SECRET_UP, leaksSecret()));
        all.add(attack(READ, "path.traversal", "a/../../../outside/secret.txt", leaksSecret()));
        // deep enough to reach / from any checkout location (extra ".." at the root stay there)
        all.add(attack(READ, "path.traversal", "../".repeat(40) + "etc/passwd", answerContains(PASSWD)));
        all.add(attack(READ, "path.nul", "notes.txt\u0000.png", none("the JDK refuses paths with NUL")));
        // the same read in a servlet filter, first in the container's chain (before any servlet)
        all.add(attack(FILTER_READ, "path.traversal", SECRET_UP, leaksSecret()));
        all.add(attack(FILTER_READ, "path.traversal", "../".repeat(40) + "etc/passwd", answerContains(PASSWD)));
        all.add(attack(READ_NIO, "path.traversal", SECRET_UP, leaksSecret()));
        all.add(attack(READ_NIO, "path.absolute", "/etc/passwd", answerContains(PASSWD)));
        all.add(attack(READ_NIO, "path.absolute", "{ROOT}/outside/secret.txt", leaksSecret()));
        all.add(attack(READ_RAF, "path.traversal", SECRET_UP, leaksSecret()));
        all.add(attack(RESOURCE, "path.traversal", SECRET_UP, leaksSecret()));
        all.add(attack(READ_DECODED, "path.traversal", "%2e%2e%2f%2e%2e%2foutside%2fsecret.txt", leaksSecret())
            .eventInput(SECRET_UP));
        all.add(attack(READ_DECODED, "path.traversal", "..%2f..%2foutside%2fsecret.txt", leaksSecret())
            .eventInput(SECRET_UP));
        all.add(attack(READ_WIN, "path.traversal", "..\\..\\outside\\secret.txt", leaksSecret()));
        all.add(attack(READ_ABS, "path.absolute", "/etc/passwd", answerContains(PASSWD)));
        all.add(attack(READ_ABS, "path.absolute", "{ROOT}/outside/secret.txt", leaksSecret()));
        all.add(attack(COPY_FROM, "path.traversal", SECRET_UP, creates("{ROOT}/www/data/copy-{N}.txt"))
            .with("to", "copy-{N}.txt"));
        // ---- writes
        all.add(attack(WRITE, "path.traversal", "../x-{N}.txt", creates("{ROOT}/www/x-{N}.txt")));
        all.add(attack(WRITE, "path.traversal", "../../outside/planted-{N}.txt", creates("{ROOT}/outside/planted-{N}.txt")));
        all.add(attack(WRITE, "path.absolute", "{ROOT}/outside/abs-{N}.txt", creates("{ROOT}/outside/abs-{N}.txt")));
        all.add(attack(WRITE, "path.server_page", "page-{N}.jsp", creates("{ROOT}/www/data/page-{N}.jsp")));
        all.add(attack(WRITE_IO, "path.traversal", "../x-io-{N}.txt", creates("{ROOT}/www/x-io-{N}.txt")));
        all.add(attack(UPLOAD, "path.server_page", "shell-{N}.jsp", creates("{ROOT}/www/webroot/shell-{N}.jsp")));
        all.add(attack(UPLOAD, "path.server_page", "shell-{N}.JSPX", creates("{ROOT}/www/webroot/shell-{N}.JSPX")));
        all.add(attack(UPLOAD, "path.traversal", "../../outside/up-{N}.txt", creates("{ROOT}/outside/up-{N}.txt")));
        all.add(attack(UPLOAD_MULTIPART, "path.server_page", "shell-{N}.jsp", creates("{ROOT}/www/webroot/shell-{N}.jsp")));
        all.add(attack(COPY_TO, "path.traversal", "../../outside/copy-{N}.txt", creates("{ROOT}/outside/copy-{N}.txt"))
            .with("from", "notes.txt"));
        all.add(attack(MKDIR, "path.traversal", "../../outside/dir-{N}", creates("{ROOT}/outside/dir-{N}")));
        // ---- deletes
        all.add(attack(DELETE, "path.traversal", "../../outside/victim-{N}.txt", deletes("{ROOT}/outside/victim-{N}.txt")));
        all.add(attack(DELETE_IO, "path.traversal", "../../outside/victim-{N}.txt", deletes("{ROOT}/outside/victim-{N}.txt")));
        // ---- listings
        all.add(attack(LIST, "path.traversal", "../../outside", answerContains("secret.txt")));
        all.add(attack(LIST, "path.traversal", "..", answerContains("webroot")));
        all.add(attack(LIST_IO, "path.traversal", "../../outside", answerContains("secret.txt")));
        return only(all, app);
    }

    static List<SinkCase> benignTable(String app) {
        List<SinkCase> all = new ArrayList<>();
        // ---- commands
        all.add(benign(LOOKUP_SH, "127.0.0.1", "getent finds localhost", exitAndOutput(0, "localhost")));
        all.add(benign(LOOKUP_SH, "localhost", "getent finds localhost", exitAndOutput(0, "localhost")));
        all.add(benign(LOOKUP_ARGV, "127.0.0.1", "getent finds localhost", exitAndOutput(0, "localhost")));
        all.add(benign(LOOKUP_ARGV, "127.0.0.1; touch {M}", "argv: no shell, no marker", ranWithoutMarker("")));
        all.add(benign(LOOKUP_ARGV, "$(touch {M})", "argv: no shell, no marker", ranWithoutMarker("")));
        all.add(benign(LS, "a/b", "lists c.txt", exitAndOutput(0, "c.txt")));
        all.add(benign(LS, "-a a", "lists b", exitAndOutput(0, "b")));
        all.add(benign(LS, "/tmp; touch {M}", "Runtime.exec(String) is no shell: no marker", ranWithoutMarker("")));
        all.add(benign(LS_ROUTE, "a/b", "a route segment equal to the program chose nothing", exitAndOutput(0, "c.txt")));
        all.add(benign(ECHO, "hello world", "echoes", exitAndOutput(0, "hello world")));
        all.add(benign(ECHO, "hello, world.", "echoes", exitAndOutput(0, "hello, world.")));
        all.add(benign(RUN_ARG, "hello world", "echo with an argument", exitAndOutput(0, "hello world")));
        all.add(benign(GREET, "hello world", "GREETING is printed", exitAndOutput(0, "hello world")));
        all.add(benign(GREET, "$(touch {M})", "GREETING is data: printed, no marker",
            all(exitAndOutput(0, "$(touch {M})"), ranWithoutMarker(""))));
        all.add(benign(GREET, "/tmp/rasp-it-evil.so", "the LD_PRELOAD value in a harmless variable",
            exitAndOutput(0, "/tmp/rasp-it-evil.so")));
        all.add(benign(ARCHIVE, "notes.txt", "archives notes.txt", exitAndOutput(0, "notes.txt")));
        all.add(benign(ARCHIVE, List.of("notes.txt", "a/b/c.txt"), "archives both", exitAndOutput(0, "a/b/c.txt")));
        all.add(benign(ARCHIVE, "report..v2.txt", "archives report..v2.txt", exitAndOutput(0, "report..v2.txt")));
        // ---- reads
        all.add(benign(READ, "notes.txt", "notes", content(NOTES)));
        all.add(benign(READ, "report..v2.txt", "dots in a name are no traversal", content(REPORT)));
        all.add(benign(READ, "a/b/c.txt", "a file below the base", content(DEEP)));
        all.add(benign(READ, ".hidden", "a dotfile", content(HIDDEN)));
        all.add(benign(READ, "a/../notes.txt", ".. that stays inside the base", content(NOTES)));
        all.add(benign(READ, "/etc/passwd", "new File(base, \"/etc/passwd\") stays in the base: 404", null).status(404));
        all.add(benign(FILTER_READ, "notes.txt", "notes, read by a filter", content(NOTES)));
        all.add(benign(FILTER_READ, "a/../notes.txt", ".. that stays inside the base, read by a filter", content(NOTES)));
        all.add(benign(FILTER_READ, "missing.txt", "a missing file, a filter's 404", null).status(404));
        all.add(benign(READ_NIO, "a/b/c.txt", "a file below the base", content(DEEP)));
        all.add(benign(READ_NIO, "report..v2.txt", "dots in a name", content(REPORT)));
        all.add(benign(READ_RAF, "notes.txt", "notes", content(NOTES)));
        all.add(benign(RESOURCE, "notes.txt", "notes", content(NOTES)));
        all.add(benign(RESOURCE, "a/b/c.txt", "a file below the base", content(DEEP)));
        all.add(benign(READ_DECODED, "a%2fb%2fc.txt", "decoded name below the base", content(DEEP)));
        all.add(benign(READ_DECODED, "report..v2.txt", "dots in a name", content(REPORT)));
        all.add(benign(READ_WIN, "a\\b\\c.txt", "backslashed name below the base", content(DEEP)));
        all.add(benign(READ_ABS, "rasp-it-cwd.txt", "relative to the working directory", content(SinkCase.CWD)));
        all.add(benign(COPY_FROM, "notes.txt", "copies inside the base",
            fileHolds("{ROOT}/www/data/copy-{N}.txt", NOTES)).with("to", "copy-{N}.txt"));
        // ---- writes
        all.add(benign(WRITE, "new-{N}.txt", "written in the base",
            fileHolds("{ROOT}/www/data/new-{N}.txt", SinkEndpoint.TEXT_BODY)));
        all.add(benign(WRITE, "inbox/new-{N}.txt", "written below the base",
            fileHolds("{ROOT}/www/data/inbox/new-{N}.txt", SinkEndpoint.TEXT_BODY)));
        all.add(benign(WRITE, "notes-{N}..v3.txt", "dots in a name",
            fileHolds("{ROOT}/www/data/notes-{N}..v3.txt", SinkEndpoint.TEXT_BODY)));
        all.add(benign(WRITE_IO, "new-io-{N}.txt", "written in the base",
            fileHolds("{ROOT}/www/data/new-io-{N}.txt", SinkEndpoint.TEXT_BODY)));
        all.add(benign(UPLOAD, "photo-{N}.png", "saved in the webroot", fileExists("{ROOT}/www/webroot/photo-{N}.png")));
        all.add(benign(UPLOAD, "notes-{N}.jsp.txt", "not a server page", fileExists("{ROOT}/www/webroot/notes-{N}.jsp.txt")));
        all.add(benign(UPLOAD_MULTIPART, "photo-{N}.png", "saved in the webroot", fileExists("{ROOT}/www/webroot/photo-{N}.png")));
        all.add(benign(COPY_TO, "copy2-{N}.txt", "copies inside the base",
            fileHolds("{ROOT}/www/data/copy2-{N}.txt", NOTES)).with("from", "notes.txt"));
        all.add(benign(MKDIR, "dir-{N}", "creates a directory in the base", fileExists("{ROOT}/www/data/dir-{N}")));
        // ---- deletes
        all.add(benign(DELETE, "tmp-{N}.txt", "deletes a file of the base", fileGone("{ROOT}/www/data/tmp-{N}.txt"))
            .before(createFile("{ROOT}/www/data/tmp-{N}.txt")));
        all.add(benign(DELETE_IO, "tmp-{N}.txt", "deletes a file of the base", fileGone("{ROOT}/www/data/tmp-{N}.txt"))
            .before(createFile("{ROOT}/www/data/tmp-{N}.txt")));
        // ---- listings
        all.add(benign(LIST, "a", "lists b", entries("b")));
        all.add(benign(LIST, "a/b", "lists c.txt", entries("c.txt")));
        all.add(benign(LIST, "a/../a/b", ".. that stays inside the base", entries("c.txt")));
        all.add(benign(LIST_IO, "a/b", "lists c.txt", entries("c.txt")));
        return only(all, app);
    }

    private static List<SinkCase> only(List<SinkCase> cases, String app) {
        return cases.stream().filter(c -> c.endpoint.in(app)).collect(Collectors.toList());
    }

    /** The first attack of the table on this endpoint with this value (for the smaller test classes). */
    static SinkCase findAttack(String app, SinkEndpoint e, String value) {
        return attackTable(app).stream().filter(c -> c.endpoint == e && c.values.get(0).equals(value)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no attack " + e + " " + value));
    }

    static SinkCase findBenign(String app, SinkEndpoint e, String value) {
        return benignTable(app).stream().filter(c -> c.endpoint == e && c.values.get(0).equals(value)).findFirst()
            .orElseThrow(() -> new IllegalArgumentException("no benign case " + e + " " + value));
    }
}
