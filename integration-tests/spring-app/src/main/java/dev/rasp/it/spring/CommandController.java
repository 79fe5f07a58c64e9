package dev.rasp.it.spring;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Deliberately injectable process launches: request input in a shell script, an argument list, the program itself,
 * options of tar, the child's environment. Each answers {"exit": n, "output": "stdout+stderr"}. The argv and
 * {@code Runtime.exec(String)} forms are the benign twins of the shell form (no shell reads their metacharacters).
 */
@RestController
public class CommandController {
    private static final AtomicInteger SEQ = new AtomicInteger();
    private final FileArea files;

    public CommandController(FileArea files) {
        this.files = files;
    }

    /** Host lookup through a shell: {@code sh -c "getent hosts <host>"} (the classic ping-style injection). */
    @GetMapping("/cmd/lookup-sh")
    public Map<String, Object> lookupShell(@RequestParam String host) throws Exception {
        return run(new ProcessBuilder("sh", "-c", "getent hosts " + host));
    }

    /** The same lookup as an argument vector: shell metacharacters in host are just an odd host name. */
    @GetMapping("/cmd/lookup")
    public Map<String, Object> lookupArgv(@RequestParam String host) throws Exception {
        return run(new ProcessBuilder("getent", "hosts", host));
    }

    /**
     * {@code Runtime.exec("ls " + dir)} in the base directory: split on whitespace, no shell. Two routes: /cmd/ls has
     * a path segment equal to the program, /cmd/listing has not.
     */
    @GetMapping({"/cmd/ls", "/cmd/listing"})
    public Map<String, Object> ls(@RequestParam String dir) throws Exception {
        return result(Runtime.getRuntime().exec("ls " + dir, null, files.base.toFile()));
    }

    /** {@code Runtime.exec(new String[] {"sh", "-c", "echo " + msg})}, msg from a form field. */
    @PostMapping(path = "/cmd/echo", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public Map<String, Object> echo(@RequestParam String msg) throws Exception {
        return result(Runtime.getRuntime().exec(new String[] {"sh", "-c", "echo " + msg}));
    }

    /** "Run this program": {@code Runtime.exec(cmd)}; without cmd it runs {@code echo <arg>}. */
    @GetMapping("/cmd/run")
    public Map<String, Object> runProgram(@RequestParam(required = false) String cmd,
                                          @RequestParam(defaultValue = "hello") String arg) throws Exception {
        Process p = cmd != null ? Runtime.getRuntime().exec(cmd) : Runtime.getRuntime().exec(new String[] {"echo", arg});
        return result(p);
    }

    public record Greeting(String greeting) {}

    /** GREETING=<input> in the child's environment, printed by a constant script (harmless). */
    @PostMapping(path = "/cmd/greet", consumes = MediaType.APPLICATION_JSON_VALUE)
    public Map<String, Object> greet(@RequestBody Greeting g) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "echo \"$GREETING\"");
        pb.environment().put("GREETING", g.greeting());
        return run(pb);
    }

    /** LD_PRELOAD=<input>: the dynamic loader loads the named library into the child. */
    @GetMapping("/cmd/preload")
    public Map<String, Object> preload(@RequestParam String lib) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "echo preloaded");
        pb.environment().put("LD_PRELOAD", lib);
        return run(pb);
    }

    /** BASH_ENV=<input>: bash expands it (command substitution included) and sources the result. */
    @PostMapping(path = "/cmd/bash-env", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    public Map<String, Object> bashEnv(@RequestParam String profile) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", "echo profiled");
        pb.environment().put("BASH_ENV", profile);
        return run(pb);
    }

    /** Archives the named files of the base directory: {@code tar -cf <tmp>/x.tar -C <base> <name>...}, then lists it. */
    @GetMapping("/cmd/archive")
    public Map<String, Object> archive(@RequestParam List<String> name) throws Exception {
        String tar = files.tmp.resolve("archive-" + SEQ.incrementAndGet() + ".tar").toString();
        List<String> argv = new ArrayList<>(List.of("tar", "-cf", tar, "-C", files.base.toString()));
        argv.addAll(name);
        Map<String, Object> created = run(new ProcessBuilder(argv));
        if (!Integer.valueOf(0).equals(created.get("exit"))) {
            return created;
        }
        return run(new ProcessBuilder("tar", "-tf", tar));
    }

    static Map<String, Object> run(ProcessBuilder pb) throws IOException, InterruptedException {
        return result(pb.redirectErrorStream(true).start());
    }

    static Map<String, Object> result(Process p) throws IOException, InterruptedException {
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        if (exit == -1) {
            p.destroyForcibly();
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("exit", exit);
        answer.put("output", out + err);
        return answer;
    }
}
