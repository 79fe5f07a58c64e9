package dev.rasp.it;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One application JVM: {@code <java> [-javaagent:rasp.jar -Drasp.mode=.. -Drasp.events.file=..] -jar app.jar
 * --server.port=<free port> ...}, started in its own work directory with stdout/stderr captured to files.
 */
public final class AppProcess implements AutoCloseable {
    /** Every process not yet stopped; the failure watcher prints their logs. */
    static final List<AppProcess> RUNNING = new CopyOnWriteArrayList<>();
    /** Stopped during the current test (the failure watcher shows their logs too). */
    static final List<AppProcess> STOPPED_IN_TEST = new CopyOnWriteArrayList<>();
    /** JVMs started by this test run (each start logs one "[it-app] start #n" line on the test's stdout). */
    static final AtomicInteger STARTS = new AtomicInteger();

    private final String name;
    private final List<String> command;
    private final Path workDir;
    private final Path stdout;
    private final Path stderr;
    private final Path eventsFile;
    private final Path filesRoot;
    private final String secret;
    private final int port;
    private final Process process;
    /** Started through {@link SharedApps}: other classes use it too; {@link #release()} leaves it running. */
    volatile boolean shared;
    private long stdoutShown;
    private long stderrShown;

    private AppProcess(String name, List<String> command, Path workDir, Path eventsFile, String secret, int port,
                       Process process) {
        this.name = name;
        this.command = command;
        this.workDir = workDir;
        this.stdout = workDir.resolve("stdout.log");
        this.stderr = workDir.resolve("stderr.log");
        this.eventsFile = eventsFile;
        this.filesRoot = workDir.resolve("files");
        this.secret = secret;
        this.port = port;
        this.process = process;
    }

    public static Builder builder(String name, Path jar) {
        return new Builder(name, jar);
    }

    public static final class Builder {
        private String name;
        private final Path jar;
        private Path java = ItConfig.currentJava();
        private boolean agent = true;
        private String mode = "block";
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> appArgs = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private boolean eventsFileProperty = true;
        private List<String> gc = List.of("-XX:+UseSerialGC");

        private Builder(String name, Path jar) {
            this.name = name;
            this.jar = jar;
        }

        public Builder java(Path java) { this.java = java; return this; }
        /** Without the agent: proves the application itself is vulnerable. */
        public Builder withoutAgent() { this.agent = false; return this; }
        /** -Drasp.mode=..; null: no property at all (environment or config file decide). */
        public Builder mode(String mode) { this.mode = mode; return this; }
        public Builder jvmArg(String a) { jvmArgs.add(a); return this; }
        /** The collector's flags instead of -XX:+UseSerialGC (two collectors on one command line stop the JVM). */
        public Builder gc(List<String> flags) { this.gc = List.copyOf(flags); return this; }
        public Builder appArg(String a) { appArgs.add(a); return this; }
        public Builder env(String k, String v) { env.put(k, v); return this; }
        /** Do not pass -Drasp.events.file (the events file then comes from env/config file/default). */
        public Builder noEventsFileProperty() { eventsFileProperty = false; return this; }

        /**
         * Starts the JVM and waits for it to answer, or returns the one an earlier class started with the same
         * {@link #spec()} (see {@link SharedApps}; the README's "Sharing an application between classes").
         * Stop it with {@link AppProcess#release()}.
         */
        public AppProcess startShared(Duration readyWithin) {
            return SharedApps.get(this, readyWithin);
        }

        /** Everything that makes two starts the same application; not the name (the jar decides its spring-/javax- prefix). */
        String spec() {
            return "java=" + java + " jar=" + jar + " agent=" + agent + " mode=" + mode + " eventsFileProperty="
                + eventsFileProperty + " jvmArgs=" + jvmArgs + " appArgs=" + appArgs + " env=" + env;
        }

        /** The name of the application's work directory. */
        String name() { return name; }

        /**
         * The name a shared JVM gets, the same whichever class starts it first: the jar's prefix as the caller wrote
         * it ({@code spring}, {@code javax}: tests read it, as XxeCases does), the mode or noagent, "shared".
         */
        String sharedName() {
            return name.split("-")[0] + "-" + (agent ? (mode == null ? "config" : mode) : "noagent") + "-shared";
        }

        Builder rename(String newName) { this.name = newName; return this; }

        /**
         * Starts the JVM (does not wait for it to answer: see {@link AppProcess#awaitReady}). The file and command
         * endpoints get {@code --rasp.it.filesBase=<work>/files/www/data} (the application seeds it), and a secret
         * the application must never serve is put at {@code <work>/files/outside/secret.txt}.
         */
        public AppProcess start() {
            Path work = ItConfig.newWorkDir(name);
            Path events = work.resolve("events.jsonl");
            Path files = work.resolve("files");
            String secret = "TOP-SECRET-" + UUID.randomUUID();
            try {
                Files.createDirectories(files.resolve("outside"));
                Files.writeString(files.resolve("outside").resolve("secret.txt"), secret + "\n");
                Files.createDirectories(work.resolve("markers"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            int port = freePort();
            List<String> cmd = new ArrayList<>();
            cmd.add(java.toString());
            // quick start on a small machine; nothing the agent depends on
            cmd.add("-Xmx512m");
            cmd.addAll(gc);
            cmd.add("-XX:TieredStopAtLevel=1");
            if (agent) {
                cmd.add("-javaagent:" + ItConfig.agentJar());
                if (mode != null) {
                    cmd.add("-Drasp.mode=" + mode);
                }
                if (eventsFileProperty) {
                    cmd.add("-Drasp.events.file=" + events);
                }
            }
            cmd.addAll(jvmArgs);
            cmd.add("-jar");
            cmd.add(jar.toString());
            cmd.add("--server.port=" + port);
            cmd.add("--sqlite.dir=" + work.resolve("sqlite"));
            cmd.add("--rasp.it.filesBase=" + files.resolve("www").resolve("data"));
            cmd.addAll(appArgs);
            ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(work.toFile())
                .redirectOutput(work.resolve("stdout.log").toFile())
                .redirectError(work.resolve("stderr.log").toFile());
            // the child must not inherit the tester's RASP_* settings unless a test asks for them
            pb.environment().keySet().removeIf(k -> k.startsWith("RASP_"));
            pb.environment().putAll(env);
            try {
                Files.writeString(work.resolve("command.txt"), String.join(" ", cmd) + "\nenv: " + env + "\n");
                Process p = pb.start();
                System.out.println("[it-app] start #" + STARTS.incrementAndGet() + " " + work.getFileName());
                AppProcess app = new AppProcess(name, cmd, work, events, secret, port, p);
                RUNNING.add(app);
                return app;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + cmd, e);
            }
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Polls GET /health until it answers 200; fails with the logs if the JVM dies or time runs out. */
    public AppProcess awaitReady(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited with status " + process.exitValue() + " before answering\n" + logs());
            }
            try {
                HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(URI.create(baseUrl() + "/health")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return this;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted", e);
            }
            sleep(200);
        }
        throw new AssertionError(name + " did not answer GET /health within " + timeout + "\n" + logs());
    }

    /** Waits for the JVM to exit by itself (for start-up failure checks); returns its exit status. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " still running after " + timeout + "\n" + logs());
            }
            if (RUNNING.remove(this)) {
                STOPPED_IN_TEST.add(this);
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public String name() { return name; }
    public int port() { return port; }
    public Path workDir() { return workDir; }
    public Path eventsFile() { return eventsFile; }
    /** {@code <work>/files}: www/data (the base), www/webroot (uploads), tmp, outside (the secret). */
    public Path filesRoot() { return filesRoot; }
    /** The content of {@code files/outside/secret.txt} (without the newline). */
    public String secret() { return secret; }
    /** Where the tests' injected {@code touch} commands point. */
    public Path markersDir() { return workDir.resolve("markers"); }
    public boolean isAlive() { return process.isAlive(); }
    public long pid() { return process.pid(); }
    public List<String> command() { return command; }

    public String stdoutText() { return read(stdout); }
    public String stderrText() { return read(stderr); }

    /**
     * The complete lines of stderr: a line the application is still writing (one exported span batch can
     * be tens of kilobytes, written in pieces) is left for the next read.
     */
    public List<String> stderrCompleteLines() {
        String text = stderrText();
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : List.of(text.substring(0, end).split("\n", -1));
    }

    /** The agent's own log lines ("[rasp] ..." on stderr). */
    public List<String> agentLogLines() {
        List<String> out = new ArrayList<>();
        for (String l : stderrText().split("\n")) {
            if (l.startsWith("[rasp]")) {
                out.add(l);
            }
        }
        return out;
    }

    /** Both logs in full, with the command line. */
    public String logs() {
        return "---- " + name + " (" + workDir + ")\n$ " + String.join(" ", command)
            + "\n---- stderr\n" + tail(stderrText(), 400) + "\n---- stdout\n" + tail(stdoutText(), 200) + "\n---- end " + name;
    }

    /** Prints what the logs gained since the last call (so each failure shows its own part). */
    synchronized void printNewLogs(PrintStream out, String why) {
        String err = stderrText();
        String std = stdoutText();
        String newErr = err.length() >= stderrShown ? err.substring((int) stderrShown) : err;
        String newStd = std.length() >= stdoutShown ? std.substring((int) stdoutShown) : std;
        stderrShown = err.length();
        stdoutShown = std.length();
        out.println("==== logs of " + name + " (" + workDir + ") since the previous dump, for: " + why);
        out.println("---- stderr (new)\n" + tail(newErr, 200));
        out.println("---- stdout (new)\n" + tail(newStd, 60));
        out.println("==== end of logs of " + name);
    }

    /** destroy, then destroyForcibly after 15 s. */
    public void stop() {
        stop(Duration.ofSeconds(15));
    }

    /** {@link #stop()}, giving the JVM that long to exit before it is killed (a JVM that dumps a CDS archive at exit). */
    public void stop(Duration exitTimeout) {
        if (shared) {
            // the next class would get a dead application, and its shutdown lines hold other classes' work
            throw new IllegalStateException(name + " is shared between classes: release() it; a test that stops "
                + "its application (shutdown stats, restarts) starts its own with start()");
        }
        if (RUNNING.remove(this)) {
            STOPPED_IN_TEST.add(this);
        }
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(exitTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The end of a class's use: stops a process of its own, leaves a shared one to the next class. */
    public void release() {
        if (!shared) {
            stop();
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            try {
                // a half-written multi-byte character at the end
                return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
            } catch (IOException e2) {
                return "<cannot read " + p + ": " + e2 + ">";
            }
        }
    }

    static String tail(String s, int lines) {
        String[] all = s.split("\n", -1);
        if (all.length <= lines) {
            return s;
        }
        StringBuilder b = new StringBuilder("... (" + (all.length - lines) + " lines cut)\n");
        for (int i = all.length - lines; i < all.length; i++) {
            b.append(all[i]).append('\n');
        }
        return b.toString();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AppProcess p : RUNNING) {
                p.process.destroyForcibly();
            }
        }, "kill-leftover-apps"));
    }
}
