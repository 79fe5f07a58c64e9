package dev.rasp.it.spring;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * File shapes beyond opening a file: existence and attribute oracles, a canonical-path check that forgot the separator,
 * file: URLs, symbolic links, paths several parameters build, and a parameter that merely names a leading directory.
 * All under {@code /files2/}, over the directories of {@link FileArea}. Beside the base directory ({@code www/data})
 * lies {@code www/data_private/private.txt}: its name starts with the base's, so a prefix test without the separator
 * lets it through.
 */
@RestController
public class FileShapesController {
    static final String PRIVATE_DIR = "data_private";
    static final String PRIVATE_FILE = "private.txt";
    static final String PRIVATE_CONTENT = "private: payroll figures\n";

    private final FileArea files;

    public FileShapesController(FileArea files) throws IOException {
        this.files = files;
        Path priv = files.base.resolveSibling(PRIVATE_DIR);
        Files.createDirectories(priv);
        Files.writeString(priv.resolve(PRIVATE_FILE), PRIVATE_CONTENT, StandardCharsets.UTF_8);
        Files.createDirectories(files.base.resolve("links"));
    }

    /** {@code new File(base, name).exists()} and {@code length()}: what exists, answered as a boolean. */
    @GetMapping("/files2/exists")
    public Map<String, Object> exists(@RequestParam String name) {
        File f = new File(files.base.toFile(), name);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("exists", f.exists());
        answer.put("length", f.length());
        return answer;
    }

    /** {@code Files.exists(base.resolve(name))} and {@code Files.isRegularFile}. */
    @GetMapping("/files2/exists-nio")
    public Map<String, Object> existsNio(@RequestParam String name) {
        Path p = files.base.resolve(name);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("exists", Files.exists(p));
        answer.put("regular", Files.isRegularFile(p));
        return answer;
    }

    /** {@code Files.size(Paths.get(path))}: meant for paths the application lists itself. */
    @GetMapping("/files2/size-abs")
    public Map<String, Object> sizeAbs(@RequestParam String path) throws IOException {
        return Map.of("size", Files.size(Paths.get(path)));
    }

    /**
     * {@code new File(base, name).getCanonicalFile()}, then a prefix test that forgot the separator: {@code
     * ../data_private/private.txt} passes it.
     */
    @GetMapping("/files2/canonical")
    public ResponseEntity<Map<String, Object>> canonical(@RequestParam String name) throws IOException {
        String base = files.base.toFile().getCanonicalPath();
        File f = new File(files.base.toFile(), name).getCanonicalFile();
        if (!f.getPath().startsWith(base)) {
            return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", "outside the base"));
        }
        return ResponseEntity.ok(FileController.content(name, Files.readAllBytes(f.toPath())));
    }

    /** The same with {@code base.resolve(name).normalize()} and a string prefix test. */
    @GetMapping("/files2/normalized")
    public ResponseEntity<Map<String, Object>> normalized(@RequestParam String name) throws IOException {
        Path p = files.base.resolve(name).normalize();
        if (!p.toString().startsWith(files.base.toString())) {
            return ResponseEntity.status(HttpStatus.BAD_REQUEST).body(Map.of("error", "outside the base"));
        }
        return ResponseEntity.ok(FileController.content(name, Files.readAllBytes(p)));
    }

    /** {@code new URL(url).openStream()}: meant for URLs the application hands out itself. */
    @GetMapping("/files2/url")
    public Map<String, Object> url(@RequestParam String url) throws IOException {
        try (InputStream in = new URL(url).openStream()) {
            return FileController.content(url, in.readAllBytes());
        }
    }

    /** {@code new URL("file:" + base + "/" + name).openStream()}. */
    @GetMapping("/files2/url-doc")
    public Map<String, Object> urlDoc(@RequestParam String name) throws IOException {
        try (InputStream in = new URL("file:" + files.base + "/" + name).openStream()) {
            return FileController.content(name, in.readAllBytes());
        }
    }

    /**
     * {@code Files.createSymbolicLink(base/links/<name>, base.resolve(target))}, then reads through the link. The
     * answer has {@code linked} and the content read.
     */
    @PostMapping("/files2/link")
    public Map<String, Object> link(@RequestParam String name, @RequestParam String target) throws IOException {
        Path link = files.base.resolve("links").resolve(name);
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, files.base.resolve(target));
        Map<String, Object> answer = new LinkedHashMap<>(FileController.content(name, Files.readAllBytes(link)));
        answer.put("linked", Files.readSymbolicLink(link).toString());
        return answer;
    }

    /** {@code new File(new File(base, cwd), path).list()}: two parameters build the directory. */
    @GetMapping("/files2/cwd-list")
    public Map<String, Object> cwdList(@RequestParam String cwd, @RequestParam String path) {
        String[] names = new File(new File(files.base.toFile(), cwd), path).list();
        if (names == null) {
            return Map.of("entries", new String[0]);
        }
        Arrays.sort(names);
        return Map.of("entries", names);
    }

    /**
     * Reads the application's own {@code notes.txt} and echoes {@code next}, a directory the client came from (a
     * leading directory of the base, e.g. the files root): no file is named by it.
     */
    @GetMapping("/files2/home")
    public Map<String, Object> home(@RequestParam String next) throws IOException {
        Map<String, Object> answer = new LinkedHashMap<>(
            FileController.content("notes.txt", Files.readAllBytes(files.base.resolve("notes.txt"))));
        answer.put("next", next);
        return answer;
    }

    @ExceptionHandler({NoSuchFileException.class, FileNotFoundException.class})
    @ResponseStatus(HttpStatus.NOT_FOUND)
    public Map<String, Object> notFound(IOException e) {
        return Map.of("error", "not found: " + e.getMessage());
    }
}
