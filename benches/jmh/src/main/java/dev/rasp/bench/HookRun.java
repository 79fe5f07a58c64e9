package dev.rasp.bench;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.File;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Runs the hook benchmarks in forked JVMs that differ only in the agent: {@code none} (no
 * agent), {@code off} ({@code -javaagent:rasp.jar -Drasp.mode=off}), {@code on} (the agent in its
 * default mode), and as controls {@code null} (an agent whose premain does nothing) and
 * {@code null-rt} (the same with Can-Retransform-Classes and Can-Redefine-Classes), and
 * {@code on-base}, another build of the agent ({@code -Dbench.base.agent.jar=}, to compare a change
 * with what it changes in the same rounds). Rounds
 * alternate the configurations (none, off, on, none, off, on, ...) so drift in the machine's
 * speed hits all alike; the table gives each configuration's median and the median of the
 * per-round differences to {@code none}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.rasp.bench.HookRun [rounds] [include regex]} with
 * {@code -Dbench.agent.jar=path} (not rasp.*: JMH passes this JVM's -D options on to the forks, where the agent would warn about an unknown key), optionally {@code -Dconfigs=none,off,on,null,null-rt},
 * {@code -Dwarmup=3 -Dmeasure=3 -Dseconds=1}, {@code -Dout=file.md}, {@code -Dverbose=true}.
 */
public final class HookRun {

    private HookRun() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        String include = args.length > 1 ? args[1] : "dev\\.rasp\\.bench\\.(HookBenchmark|ProcessBenchmark)\\.";
        String raspJar = new File(System.getProperty("bench.agent.jar", "../../java-agent/agent/target/rasp.jar")).getAbsolutePath();
        List<String> configs = Arrays.asList(System.getProperty("configs", "none,off,on").split(","));
        int warmup = Integer.getInteger("warmup", 3);
        int measure = Integer.getInteger("measure", 3);
        int seconds = Integer.getInteger("seconds", 1);
        boolean verbose = Boolean.getBoolean("verbose");

        Path dir = Files.createTempDirectory("rasp-jmh-");
        Map<String, String[]> jvmArgs = new LinkedHashMap<String, String[]>();
        jvmArgs.put("none", new String[0]);
        jvmArgs.put("off", new String[] {"-javaagent:" + raspJar, "-Drasp.mode=off"});
        jvmArgs.put("on", new String[] {"-javaagent:" + raspJar});
        jvmArgs.put("null", new String[] {"-javaagent:" + nullAgent(dir.resolve("null-agent.jar"), false)});
        jvmArgs.put("null-rt", new String[] {"-javaagent:" + nullAgent(dir.resolve("null-agent-rt.jar"), true)});
        // Another build of the agent (before a change), measured in the same rounds as this one.
        String baseJar = System.getProperty("bench.base.agent.jar");
        if (baseJar != null) {
            jvmArgs.put("on-base", new String[] {"-javaagent:" + new File(baseJar).getAbsolutePath()});
        }
        for (String c : configs) {
            if (!jvmArgs.containsKey(c)) {
                throw new IllegalArgumentException("unknown configuration " + c
                        + " (none, off, on, null, null-rt; on-base with -Dbench.base.agent.jar=)");
            }
        }
        if (!new File(raspJar).isFile() && (configs.contains("off") || configs.contains("on"))) {
            throw new IllegalArgumentException(raspJar + " does not exist: build the agent or pass -Dbench.agent.jar=");
        }

        // benchmark -> configuration -> score per round: JMH's wall time, and CpuTimeProfiler's
        Map<String, Map<String, double[]>> scores = new TreeMap<String, Map<String, double[]>>();
        Map<String, Map<String, double[]>> cpu = new TreeMap<String, Map<String, double[]>>();
        Map<String, Map<String, double[]>> process = new TreeMap<String, Map<String, double[]>>();
        for (int round = 0; round < rounds; round++) {
            for (String config : configs) {
                System.out.printf("round %d/%d, %s ...%n", round + 1, rounds, config);
                ChainedOptionsBuilder options = new OptionsBuilder()
                        .include(include)
                        .forks(1)
                        .warmupIterations(warmup)
                        .warmupTime(TimeValue.seconds(seconds))
                        .measurementIterations(measure)
                        .measurementTime(TimeValue.seconds(seconds))
                        .jvmArgsAppend(concat(new String[] {"-Xms256m", "-Xmx256m"}, jvmArgs.get(config)))
                        .addProfiler(CpuTimeProfiler.class)
                        .shouldFailOnError(true)
                        .verbosity(verbose ? VerboseMode.NORMAL : VerboseMode.SILENT);
                Collection<RunResult> results = new Runner(options.build()).run();
                for (RunResult r : results) {
                    String name = r.getParams().getBenchmark().replace("dev.rasp.bench.", "");
                    double wall = r.getPrimaryResult().getScore();
                    double cpuTime = Double.NaN;
                    double processTime = Double.NaN;
                    for (Map.Entry<String, Result> secondary : r.getSecondaryResults().entrySet()) {
                        if (secondary.getKey().endsWith("process.cpu.time.norm")) {
                            processTime = secondary.getValue().getScore();
                        } else if (secondary.getKey().endsWith("cpu.time.norm")) {
                            cpuTime = secondary.getValue().getScore();
                        }
                    }
                    record(scores, name, config, round, rounds, wall);
                    record(cpu, name, config, round, rounds, cpuTime);
                    record(process, name, config, round, rounds, processTime);
                    // as it comes, so that an interrupted run still leaves its figures
                    System.out.printf("  %s %s: %.1f ns/op wall, %.1f ns/op worker CPU, %.1f ns/op process CPU%n",
                            config, name, wall, cpuTime, processTime);
                }
            }
        }

        String table = "CPU time of the benchmark thread per operation (CpuTimeProfiler):\n\n" + table(cpu, configs, rounds)
                + "\nWall time per operation (JMH's score):\n\n" + table(scores, configs, rounds)
                + "\nCPU time of the whole JVM per operation (JIT, GC and agent threads included):\n\n"
                + table(process, configs, rounds);
        System.out.println();
        System.out.print(table);
        String out = System.getProperty("out");
        if (out != null) {
            Files.write(Paths.get(out), table.getBytes(StandardCharsets.UTF_8));
            System.out.println("written to " + out);
        }
    }

    private static void record(Map<String, Map<String, double[]>> scores, String name, String config, int round,
                               int rounds, double value) {
        Map<String, double[]> byConfig = scores.get(name);
        if (byConfig == null) {
            byConfig = new LinkedHashMap<String, double[]>();
            scores.put(name, byConfig);
        }
        double[] s = byConfig.get(config);
        if (s == null) {
            s = new double[rounds];
            Arrays.fill(s, Double.NaN);
            byConfig.put(config, s);
        }
        s[round] = value;
    }

    private static String table(Map<String, Map<String, double[]>> scores, List<String> configs, int rounds) {
        StringBuilder sb = new StringBuilder();
        sb.append("| benchmark (ns/op, median of ").append(rounds).append(" rounds) |");
        for (String c : configs) {
            sb.append(' ').append(c).append(" |");
        }
        for (String c : configs) {
            if (!c.equals("none")) {
                sb.append(' ').append(c).append(" − none |");
            }
        }
        sb.append('\n').append("|---|");
        for (String c : configs) {
            sb.append("---|");
            if (!c.equals("none")) {
                sb.append("---|");
            }
        }
        sb.append('\n');
        for (Map.Entry<String, Map<String, double[]>> e : scores.entrySet()) {
            sb.append("| ").append(e.getKey()).append(" |");
            for (String c : configs) {
                double[] s = e.getValue().get(c);
                sb.append(' ').append(s == null ? "–" : fmt(median(s))).append(" |");
            }
            double[] base = e.getValue().get("none");
            for (String c : configs) {
                if (c.equals("none")) {
                    continue;
                }
                double[] s = e.getValue().get(c);
                if (s == null || base == null) {
                    sb.append(" – |");
                    continue;
                }
                double[] diff = new double[rounds];
                for (int i = 0; i < rounds; i++) {
                    diff[i] = s[i] - base[i];
                }
                double d = median(diff);
                double b = median(base);
                sb.append(' ').append(d >= 0 ? "+" : "").append(fmt(d))
                        .append(String.format(" (%+.1f%%)", 100 * d / b)).append(" |");
            }
            sb.append('\n');
        }
        sb.append("\nper round (none/off/on/...):\n");
        for (Map.Entry<String, Map<String, double[]>> e : scores.entrySet()) {
            sb.append("  ").append(e.getKey()).append(':');
            for (String c : configs) {
                double[] s = e.getValue().get(c);
                sb.append(' ').append(c).append('=').append(s == null ? "[]" : fmtAll(s));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "–" : Math.abs(v) >= 1000 ? String.format("%,.0f", v) : String.format("%.1f", v);
    }

    private static String fmtAll(double[] s) {
        List<String> parts = new ArrayList<String>();
        for (double v : s) {
            parts.add(fmt(v));
        }
        return parts.toString().replace(" ", "");
    }

    private static double median(double[] values) {
        double[] s = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
        if (s.length == 0) {
            return Double.NaN;
        }
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String[] concat(String[] a, String[] b) {
        String[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    /** A jar with {@link NullAgent} as its Premain-Class, with or without the retransform/redefine capabilities. */
    private static String nullAgent(Path jar, boolean capabilities) throws Exception {
        Manifest manifest = new Manifest();
        Attributes a = manifest.getMainAttributes();
        a.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        a.putValue("Premain-Class", NullAgent.class.getName());
        if (capabilities) {
            a.putValue("Can-Retransform-Classes", "true");
            a.putValue("Can-Redefine-Classes", "true");
        }
        String entry = NullAgent.class.getName().replace('.', '/') + ".class";
        try (JarOutputStream out = new JarOutputStream(new FileOutputStream(jar.toFile()), manifest);
             InputStream in = HookRun.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            byte[] buffer = new byte[4096];
            for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
            }
            out.closeEntry();
        }
        jar.toFile().deleteOnExit();
        return jar.toString();
    }
}
