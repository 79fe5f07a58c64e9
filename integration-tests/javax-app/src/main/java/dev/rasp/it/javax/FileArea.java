package dev.rasp.it.javax;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The directories of the file and command servlets (the same layout and seed as the Spring app): base
 * {@code <root>/www/data} from {@code --rasp.it.filesBase} (a fresh temp dir when absent), uploads in
 * {@code <root>/www/webroot}, archives in {@code <root>/tmp}; the tests keep a secret in {@code <root>/outside}.
 */
final class FileArea {
    static final String[][] SEED = {
        {"notes.txt", "notes: the quarterly numbers are fine\n"},
        {"report..v2.txt", "report v2: final figures\n"},
        {".hidden", "hidden: a dotfile\n"},
        {"a/b/c.txt", "c: a file three levels down\n"},
        {"inbox/README", "inbox: the tests write here\n"},
    };
    static final String CWD_FILE = "rasp-it-cwd.txt";
    static final String CWD_CONTENT = "cwd: the application's own file\n";

    final Path base;
    final Path webroot;
    final Path tmp;

    FileArea(String filesBase) throws IOException {
        base = filesBase.isEmpty()
            ? Files.createTempDirectory("rasp-it-javax-files").resolve("www").resolve("data")
            : Path.of(filesBase).toAbsolutePath().normalize();
        webroot = base.getParent().resolve("webroot");
        tmp = base.getParent().getParent().resolve("tmp");
        Files.createDirectories(base);
        Files.createDirectories(webroot);
        Files.createDirectories(tmp);
        for (String[] f : SEED) {
            Path p = base.resolve(f[0]);
            Files.createDirectories(p.getParent());
            Files.writeString(p, f[1], StandardCharsets.UTF_8);
        }
        Files.writeString(webroot.resolve("index.html"), "<h1>uploads</h1>\n", StandardCharsets.UTF_8);
        Files.writeString(Path.of(CWD_FILE), CWD_CONTENT, StandardCharsets.UTF_8);
    }
}
