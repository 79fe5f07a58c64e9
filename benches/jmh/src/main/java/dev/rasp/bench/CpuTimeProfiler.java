package dev.rasp.bench;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time per operation, next to JMH's wall time: {@code cpu.time.norm} is the CPU time of the
 * benchmark's worker threads, {@code process.cpu.time.norm} that of the whole JVM (JIT compilers,
 * GC, the agent's own threads). On a machine with more runnable threads than cores the wall time
 * of an operation includes the time the benchmark thread waited for a core, which varies from one
 * fork to the next by far more than the nanoseconds measured here; the worker's CPU time does not.
 * The process figure shows work the agent causes off the benchmark thread (e.g. the JIT compiling
 * what the agent loaded at start, which on a busy machine runs well into the measurement).
 */
public final class CpuTimeProfiler implements InternalProfiler {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Map<Long, Long> workersAtStart = new HashMap<Long, Long>();
    private long processAtStart;

    @Override
    public String getDescription() {
        return "worker and process CPU time per operation";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        workersAtStart.clear();
        for (long id : workers()) {
            workersAtStart.put(id, threads.getThreadCpuTime(id));
        }
        processAtStart = processCpuTime();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long process = processCpuTime() - processAtStart;
        long worker = 0;
        for (long id : workers()) {
            long now = threads.getThreadCpuTime(id);
            Long start = workersAtStart.get(id);
            if (now > 0) {
                worker += now - (start == null || start < 0 ? 0 : start);
            }
        }
        long ops = result.getMetadata() == null ? 0 : result.getMetadata().getAllOps();
        List<Result> out = new ArrayList<Result>();
        if (ops > 0 && worker > 0) {
            out.add(new ScalarResult("cpu.time.norm", (double) worker / ops, "ns/op", AggregationPolicy.AVG));
        }
        if (ops > 0 && process > 0) {
            out.add(new ScalarResult("process.cpu.time.norm", (double) process / ops, "ns/op", AggregationPolicy.AVG));
        }
        return out;
    }

    /** JMH names its benchmark threads "<benchmark>-jmh-worker-<n>". */
    private List<Long> workers() {
        List<Long> ids = new ArrayList<Long>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains("jmh-worker")) {
                ids.add(info.getThreadId());
            }
        }
        return ids;
    }

    private static long processCpuTime() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
