package dev.rasp.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * A process launch ({@code ProcessBuilder.start} of {@code /bin/true}, waited for): the only
 * process hook is ProcessImpl.start, and a launch costs about a millisecond, so this reports the
 * ratio to no agent rather than nanoseconds. Outside requests the launch goes through the
 * engine's command policy on purpose (reverse shells from background threads), see the README.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class ProcessBenchmark {

    private final ProcessBuilder builder = new ProcessBuilder("/bin/true");

    @Benchmark
    public int processStartNoRequest() throws IOException, InterruptedException {
        return builder.start().waitFor();
    }

    @Benchmark
    public int processStartInRequest(HookBenchmark.Serving serving) throws IOException, InterruptedException {
        return builder.start().waitFor();
    }
}
