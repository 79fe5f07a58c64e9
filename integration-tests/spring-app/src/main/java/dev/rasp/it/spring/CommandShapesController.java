package dev.rasp.it.spring;

import static dev.rasp.it.spring.CommandController.result;
import static dev.rasp.it.spring.CommandController.run;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Deliberately injectable launches beyond the first word: an environment entry whose whole {@code NAME=value} comes
 * from the request, a variable the script re-evaluates, options behind a wrapper ({@code timeout}), options split out
 * of {@code Runtime.exec(String)}, options in a later command of a script. And their precise twins: a pattern that
 * is an option's argument ({@code git grep -e}), a word after {@code --}, a positional parameter of
 * {@code sh -c 'script' name "$1"}. Each answers {"exit": n, "output": "stdout+stderr"}.
 */
@RestController
public class CommandShapesController {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private final FileArea files;

    public CommandShapesController(FileArea files) {
        this.files = files;
    }

    /**
     * A child environment read from the request: {@code line=NAME=value} (the client names the variable) or
     * {@code note=value} (the variable is NOTE). Runs {@code bash -c 'echo "ok $NOTE"'}.
     */
    @GetMapping("/cmd2/env")
    public Map<String, Object> env(@RequestParam(required = false) String line,
                                   @RequestParam(required = false) String note) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "echo \"ok $NOTE\"");
        if (line != null) {
            int eq = line.indexOf('=');
            pb.environment().put(eq < 0 ? line : line.substring(0, eq), eq < 0 ? "" : line.substring(eq + 1));
        }
        if (note != null) {
            pb.environment().put("NOTE", note);
        }
        return run(pb);
    }

    /** V=input, re-evaluated: {@code sh -c 'eval "$V"'}. */
    @GetMapping("/cmd2/env-eval")
    public Map<String, Object> envEval(@RequestParam String v) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "eval \"$V\"");
        pb.environment().put("V", v);
        return run(pb);
    }

    /** V=input, expanded as data: {@code sh -c 'grep -c -- "$V" notes.txt'} in the base directory. */
    @GetMapping("/cmd2/env-grep")
    public Map<String, Object> envGrep(@RequestParam String v) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "grep -c -- \"$V\" notes.txt").directory(files.base.toFile());
        pb.environment().put("V", v);
        return run(pb);
    }

    /** {@code timeout 20 tar -cf <tmp>/x.tar -C <base> <name>...}, then lists the archive. */
    @GetMapping("/cmd2/archive-timeout")
    public Map<String, Object> archiveTimeout(@RequestParam List<String> name) throws Exception {
        String tar = archive();
        List<String> argv = new ArrayList<>(List.of("timeout", "20", "tar", "-cf", tar, "-C", files.base.toString()));
        argv.addAll(name);
        return createdThenListed(run(new ProcessBuilder(argv)), tar);
    }

    /** The same after {@code --}: {@code tar -cf <tmp>/x.tar -C <base> -- <name>}. */
    @GetMapping("/cmd2/archive-dashdash")
    public Map<String, Object> archiveDashDash(@RequestParam String name) throws Exception {
        String tar = archive();
        return run(new ProcessBuilder("tar", "-cf", tar, "-C", files.base.toString(), "--", name));
    }

    /** {@code Runtime.exec("find <base> -name " + name)}: split on whitespace, no shell. */
    @GetMapping("/cmd2/find")
    public Map<String, Object> find(@RequestParam String name) throws Exception {
        return result(Runtime.getRuntime().exec("find " + files.base + " -name " + name));
    }

    /** A later command of a script: {@code sh -c "cd <base> && tar -cf <tmp>/x.tar <files> && tar -tf <tmp>/x.tar"}. */
    @GetMapping("/cmd2/backup")
    public Map<String, Object> backup(@RequestParam String files) throws Exception {
        String tar = archive();
        return run(new ProcessBuilder("sh", "-c",
            "cd " + this.files.base + " && tar -cf " + tar + " " + files + " && tar -tf " + tar));
    }

    /** {@code git grep --no-index -n -e <pattern> -- .} in a directory holding jvm.conf ("-Xmx512m"). */
    @GetMapping("/cmd2/git-grep")
    public Map<String, Object> gitGrep(@RequestParam String pattern) throws Exception {
        Path dir = files.tmp.resolve("grep-area");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("jvm.conf"), "-Xmx512m\n-Xss1m\n", StandardCharsets.UTF_8);
        return run(new ProcessBuilder("git", "grep", "--no-index", "-n", "-e", pattern, "--", ".").directory(dir.toFile()));
    }

    /** {@code sh -c 'echo "$1"' echo <msg>}: msg is a positional parameter, never script. */
    @GetMapping("/cmd2/echo-arg")
    public Map<String, Object> echoArg(@RequestParam String msg) throws Exception {
        return run(new ProcessBuilder("sh", "-c", "echo \"$1\"", "echo", msg));
    }

    private String archive() {
        return files.tmp.resolve("shapes-" + SEQ.incrementAndGet() + ".tar").toString();
    }

    private static Map<String, Object> createdThenListed(Map<String, Object> created, String tar) throws Exception {
        if (!Integer.valueOf(0).equals(created.get("exit"))) {
            return created;
        }
        Map<String, Object> listed = new LinkedHashMap<>(run(new ProcessBuilder("tar", "-tf", tar)));
        listed.put("created", created.get("output"));
        return listed;
    }
}
