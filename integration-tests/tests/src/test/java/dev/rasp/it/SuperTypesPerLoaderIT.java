package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The native class hook learns, from the Java side's answers, which super types have no hooked type in their
 * hierarchy, and leaves later classes that name only such super types without asking again
 * (native/jni/src/class_hook/super_types.rs). What it learns holds for one class loader: two web applications may
 * each have a class of the same name, one a JDBC statement and one not. Here, in a real JVM with the agent, loader
 * A's {@code com.acme.db.Base} is a plain class and loader B's implements {@code java.sql.Statement}; both have a
 * {@code Runner extends Base} that declares {@code execute(String)}, a method the JDBC rule weaves. A's classes are
 * loaded first (the hook asks about A's Runner, learns that A's Base has no hooked type, and leaves A's second
 * subclass without asking), then B's Runner, which must be woven: had the hook taken A's answer for B's Base, B's
 * statement would run unhooked.
 */
class SuperTypesPerLoaderIT {

    private static final Pattern SUPER_TYPES = Pattern.compile(
        "super types decided (\\d+) loads: (\\d+) left on what it had learnt, (\\d+) asked about by name");

    @Test
    void whatOneLoaderTaughtTheHookDoesNotLeaveAnotherLoadersStatementUnhooked() throws Exception {
        Path work = ItConfig.newWorkDir("super-types-per-loader");
        Path a = compile(work.resolve("a"), Map.of(
            "com/acme/db/Base.java", "package com.acme.db; public abstract class Base { }",
            "com/acme/db/Runner.java",
            "package com.acme.db; public abstract class Runner extends Base { public boolean execute(String sql) { return false; } }",
            "com/acme/db/OtherRunner.java",
            "package com.acme.db; public abstract class OtherRunner extends Base { public boolean execute(String sql) { return true; } }"));
        Path b = compile(work.resolve("b"), Map.of(
            "com/acme/db/Base.java", "package com.acme.db; public abstract class Base implements java.sql.Statement { }",
            "com/acme/db/Runner.java",
            "package com.acme.db; public abstract class Runner extends Base { public boolean execute(String sql) { return false; } }"));
        Path classes = Paths.get(TwoLoadersProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<String> cmd = new ArrayList<>(List.of(ItConfig.currentJava().toString(),
            "-javaagent:" + ItConfig.agentJar(),
            "-Drasp.events.file=" + work.resolve("events.jsonl"),
            "-Drasp.debug.startup=true", "-Drasp.debug.transformations=true",
            "-cp", classes.toString(), TwoLoadersProbe.class.getName(), a.toString(), b.toString(),
            "a:com.acme.db.Runner", "a:com.acme.db.OtherRunner", "b:com.acme.db.Runner"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe finished");
        assertEquals(0, p.exitValue(), output);

        List<String> runnersWoven = output.lines().filter(l -> l.contains("instrumented com.acme.db.Runner"))
            .collect(Collectors.toList());
        // the last one: printed at shutdown
        MatchResult last = null;
        for (Matcher m = SUPER_TYPES.matcher(output); m.find(); ) {
            last = m.toMatchResult();
        }
        MatchResult stats = last;
        assertAll(output,
            () -> assertTrue(output.contains("loaded b:com.acme.db.Runner from its loader"), "B's Runner loaded"),
            () -> assertEquals(1, runnersWoven.size(), "B's Runner woven (a statement), A's not: " + runnersWoven),
            () -> assertTrue(!output.contains("instrumented com.acme.db.OtherRunner"), "A's other Runner is no statement"),
            () -> assertTrue(stats != null && Long.parseLong(stats.group(2)) >= 1,
                "A's second subclass of Base left on what the hook learnt from the first"),
            () -> assertTrue(stats != null && Long.parseLong(stats.group(3)) >= 2,
                "asked about A's Runner, then about B's: B's Base is another class"));
    }

    /** Compiles these sources (path under the source root, text) into {@code dir}/classes. */
    private static Path compile(Path dir, Map<String, String> sources) throws IOException {
        Path src = dir.resolve("src");
        Path out = Files.createDirectories(dir.resolve("classes"));
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "--release", "8"));
        for (Map.Entry<String, String> e : sources.entrySet()) {
            Path file = src.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, e.getValue());
            args.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertEquals(0, javac.run(null, null, null, args.toArray(new String[0])), "javac " + args);
        return out;
    }
}
