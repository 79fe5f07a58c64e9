package dev.rasp.it.spring;

import java.io.File;
import java.io.FileInputStream;
import java.io.FileNotFoundException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.springframework.core.io.FileSystemResource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Deliberately traversable file endpoints: a name from the request joined to the base directory the application
 * chose, through java.io, java.nio and Spring's resources. Reads answer {"name", "content"}, listings
 * {"entries": [sorted names]}, writes {"written": bytes}, deletes {"deleted": bool}.
 */
@RestController
public class FileController {
    private final FileArea files;

    public FileController(FileArea files) {
        this.files = files;
    }

    /** {@code new FileInputStream(new File(base, name))}. */
    @GetMapping("/files/read")
    public Map<String, Object> read(@RequestParam String name) throws IOException {
        try (InputStream in = new FileInputStream(new File(files.base.toFile(), name))) {
            return content(name, in.readAllBytes());
        }
    }

    /** {@code Files.readAllBytes(base.resolve(name))}. */
    @GetMapping("/files/read-nio")
    public Map<String, Object> readNio(@RequestParam String name) throws IOException {
        return content(name, Files.readAllBytes(files.base.resolve(name)));
    }

    /** Decodes the (already container-decoded) name once more, as applications that double-decode do. */
    @GetMapping("/files/read-decoded")
    public Map<String, Object> readDecoded(@RequestParam String name) throws IOException {
        String decoded = URLDecoder.decode(name, StandardCharsets.UTF_8);
        return content(decoded, Files.readAllBytes(files.base.resolve(decoded)));
    }

    /** Accepts Windows-style names: turns backslashes into slashes before {@code new File(base, name)}. */
    @GetMapping("/files/read-win")
    public Map<String, Object> readWin(@RequestParam String name) throws IOException {
        String unix = name.replace('\\', '/');
        try (InputStream in = new FileInputStream(new File(files.base.toFile(), unix))) {
            return content(unix, in.readAllBytes());
        }
    }

    /** {@code Files.readAllBytes(Paths.get(path))}: meant for paths relative to the working directory. */
    @GetMapping("/files/read-abs")
    public Map<String, Object> readAbs(@RequestParam String path) throws IOException {
        return content(path, Files.readAllBytes(Paths.get(path)));
    }

    /** {@code new RandomAccessFile(new File(base, name), "r")}. */
    @GetMapping("/files/read-raf")
    public Map<String, Object> readRaf(@RequestParam String name) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(new File(files.base.toFile(), name), "r")) {
            byte[] b = new byte[(int) f.length()];
            f.readFully(b);
            return content(name, b);
        }
    }

    /** Spring's own resource loading: {@code new FileSystemResource(base + "/" + name).getInputStream()}. */
    @GetMapping("/files/resource")
    public Map<String, Object> resource(@RequestParam String name) throws IOException {
        try (InputStream in = new FileSystemResource(files.base + "/" + name).getInputStream()) {
            return content(name, in.readAllBytes());
        }
    }

    /** {@code Files.write(base.resolve(name), body)}, the text body. */
    @PostMapping(path = "/files/write", consumes = MediaType.TEXT_PLAIN_VALUE)
    public Map<String, Object> write(@RequestParam String name, @RequestBody String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        Files.write(files.base.resolve(name), b);
        return Map.of("written", b.length);
    }

    /** {@code new FileOutputStream(new File(base, name))}, the text body. */
    @PostMapping(path = "/files/write-io", consumes = MediaType.TEXT_PLAIN_VALUE)
    public Map<String, Object> writeIo(@RequestParam String name, @RequestBody String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        try (FileOutputStream out = new FileOutputStream(new File(files.base.toFile(), name))) {
            out.write(b);
        }
        return Map.of("written", b.length);
    }

    /** {@code Files.delete(base.resolve(name))}, name from a form field. */
    @PostMapping(path = "/files/delete", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public Map<String, Object> delete(@RequestParam String name) throws IOException {
        Files.delete(files.base.resolve(name));
        return Map.of("deleted", true);
    }

    /** {@code new File(base, name).delete()}, name from a form field. */
    @PostMapping(path = "/files/delete-io", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public Map<String, Object> deleteIo(@RequestParam String name) {
        return Map.of("deleted", new File(files.base.toFile(), name).delete());
    }

    /** {@code Files.list(base.resolve(dir))}. */
    @GetMapping("/files/list")
    public Map<String, Object> list(@RequestParam String dir) throws IOException {
        try (Stream<Path> s = Files.list(files.base.resolve(dir))) {
            return entries(s.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
        }
    }

    /** {@code new File(base, dir).list()}. */
    @GetMapping("/files/list-io")
    public Map<String, Object> listIo(@RequestParam String dir) throws IOException {
        String[] names = new File(files.base.toFile(), dir).list();
        if (names == null) {
            throw new NoSuchFileException(dir);
        }
        return entries(Arrays.asList(names));
    }

    /** An upload saved under the name the client chose: raw body, {@code Files.write(webroot.resolve(name), body)}. */
    @PostMapping(path = "/files/upload", consumes = MediaType.APPLICATION_OCTET_STREAM_VALUE)
    public Map<String, Object> upload(@RequestParam String name, @RequestBody byte[] body) throws IOException {
        Files.write(files.webroot.resolve(name), body);
        return Map.of("written", body.length);
    }

    /** A multipart upload saved under the part's file name: {@code webroot.resolve(file.getOriginalFilename())}. */
    @PostMapping(path = "/files/upload-multipart", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    public Map<String, Object> uploadMultipart(@RequestPart("file") MultipartFile file) throws IOException {
        byte[] body = file.getBytes();
        Files.write(files.webroot.resolve(file.getOriginalFilename()), body);
        return Map.of("written", body.length);
    }

    /** {@code Files.copy(base.resolve(from), base.resolve(to))}, form fields. */
    @PostMapping(path = "/files/copy", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public Map<String, Object> copy(@RequestParam String from, @RequestParam String to) throws IOException {
        Files.copy(files.base.resolve(from), files.base.resolve(to));
        return Map.of("copied", true);
    }

    /** {@code new File(base, dir).mkdir()}, a form field. */
    @PostMapping(path = "/files/mkdir", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public Map<String, Object> mkdir(@RequestParam String dir) {
        return Map.of("created", new File(files.base.toFile(), dir).mkdir());
    }

    @ExceptionHandler({NoSuchFileException.class, FileNotFoundException.class})
    @ResponseStatus(HttpStatus.NOT_FOUND)
    public Map<String, Object> notFound(IOException e) {
        return Map.of("error", "not found: " + e.getMessage());
    }

    static Map<String, Object> content(String name, byte[] bytes) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("name", name);
        answer.put("content", new String(bytes, StandardCharsets.UTF_8));
        return answer;
    }

    static Map<String, Object> entries(List<String> names) {
        List<String> sorted = new ArrayList<>(names);
        sorted.sort(null);
        return Map.of("entries", sorted);
    }
}
