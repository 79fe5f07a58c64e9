package dev.rasp.it.spring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The directories the file and command endpoints work in, from {@code rasp.it.filesBase} (a fresh temp dir when
 * absent). With base {@code <root>/www/data}: uploads go to {@code <root>/www/webroot}, archives to {@code <root>/tmp};
 * the tests put a secret at {@code <root>/outside/secret.txt}, which no endpoint means to reach. Seeded at start.
 */
@Component
public class FileArea {
    /** Seed files of the base directory and their content (the tests know the same table). */
    static final String[][] SEED = {
        {"notes.txt", "notes: the quarterly numbers are fine\n"},
        {"report..v2.txt", "report v2: final figures\n"},
        {".hidden", "hidden: a dotfile\n"},
        {"a/b/c.txt", "c: a file three levels down\n"},
        {"inbox/README", "inbox: the tests write here\n"},
    };
    /** A file in the working directory, for the endpoint that takes a path relative to it. */
    static final String CWD_FILE = "rasp-it-cwd.txt";
    static final String CWD_CONTENT = "cwd: the application's own file\n";

    final Path base;
    final Path webroot;
    final Path tmp;

    public FileArea(@Value("${rasp.it.filesBase:}") String filesBase) throws IOException {
        base = filesBase.isEmpty()
            ? Files.createTempDirectory("rasp-it-files").resolve("www").resolve("data")
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
