package dev.rasp.bench;

import dev.rasp.bootstrap.CapturedInputs;
import dev.rasp.bootstrap.InputSources;
import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RequestScope;
import dev.rasp.core.engine.InputRecordEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What capturing the values an application reads costs, on the bridge the source advice calls
 * (getParameter's, a JSON parser's getText's exit advice only passes the returned String on).
 *
 * <ul>
 *   <li>{@code noRequest}: a captured value on a thread that serves no request (every JSON or
 *       XML parse outside requests pays it), against {@code baseline};</li>
 *   <li>{@code perValue}: one value captured during a request (a reference kept);</li>
 *   <li>{@code perRequest}: a request in which {@code values} values are captured, then taken and
 *       encoded into the one addInputs record the next sink check pushes, against
 *       {@code requestOnly} (the JNI call itself is not included: the engine is not loaded here;
 *       see the Criterion benches for the engine side).</li>
 *   <li>{@code perRequestNone}: a request that captured nothing: what every check pays to find that out.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class CaptureBenchmark {

    @Param({"20"})
    public int values;

    private String[] strings;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        RaspBridge.install(new HandOffBenchmark.InertHooks());
        strings = new String[1024];
        for (int i = 0; i < strings.length; i++) {
            strings[i] = "value number " + i + " from a JSON body";
        }
    }

    /** The benchmark thread serves a request for the whole trial. */
    @State(Scope.Thread)
    public static class Serving {
        @Setup(Level.Trial)
        public void enter(CaptureBenchmark b) {
            if (!RaspBridge.requestEnter("request", "response")) {
                throw new IllegalStateException("no request scope");
            }
        }

        @TearDown(Level.Trial)
        public void exit() {
            RaspBridge.requestExit(true, null);
        }
    }

    private String nextString() {
        next = (next + 1) & 1023;
        return strings[next];
    }

    @Benchmark
    public String baseline() {
        return nextString();
    }

    @Benchmark
    public String noRequest() {
        String v = nextString();
        RaspBridge.captureJsonValue(v);
        return v;
    }

    @Benchmark
    public Object perValue(Serving serving) {
        String v = nextString();
        RaspBridge.captureJsonValue(v);
        RequestScope scope = RaspBridge.currentScope();
        if ((next & 1023) == 0) {
            scope.context.takeCaptured(); // keep the buffer from growing without bound
        }
        return v;
    }

    /** A request of its own per operation (the captured budget is per request); compare with requestOnly. */
    @Benchmark
    public int perRequest() {
        RaspBridge.requestEnter("request", "response");
        try {
            for (int i = 0; i < values; i++) {
                RaspBridge.captureInput(InputSources.PARAMETER, "field", nextString());
            }
            CapturedInputs.Batch batch = RaspBridge.currentScope().context.takeCaptured();
            InputRecordEncoder record = new InputRecordEncoder();
            for (int i = 0; i < batch.count; i++) {
                record.input(batch.sources[i], batch.names[i], batch.values[i]);
            }
            return record.length();
        } finally {
            RaspBridge.requestExit(true, null);
        }
    }

    /** Entering and leaving a request with nothing captured: perRequest's baseline. */
    @Benchmark
    public Object requestOnly() {
        RaspBridge.requestEnter("request", "response");
        try {
            return RaspBridge.currentScope();
        } finally {
            RaspBridge.requestExit(true, null);
        }
    }

    @Benchmark
    public boolean perRequestNone(Serving serving) {
        // RaspRuntime.pushInputs' first test on a request without captured values or body
        return RaspBridge.currentScope().context.inputsPending();
    }
}
