package dev.rasp.bootstrap;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the agent has done so far, for the application to read: checks and their time per sink
 * kind, blocked and monitored verdicts per rule, the most recent events, and the agent's status.
 *
 * <p>It lives on the bootstrap class path because that is the only part of the agent the
 * application can see (the core is in an isolated class loader). The core writes, the Spring
 * Boot starter (meters, the actuator endpoint) or any other reader reads.
 *
 * <p>Cost: every native check adds two {@link LongAdder} increments (no lock, no allocation).
 * Everything else happens only on a monitored or blocked verdict, which already costs an event.
 */
public final class RaspTelemetry {

    /** Sink kinds, as the events name them ({@code sink.kind}). */
    public static final int SINK_SQL = 0;
    public static final int SINK_CMD = 1;
    public static final int SINK_PATH = 2;
    public static final int SINK_URL = 3;
    public static final int SINK_EXPR = 4;
    public static final int SINK_JNDI = 5;
    /** Classes a deserializer is about to instantiate. */
    public static final int SINK_CLASS = 6;
    public static final int SINK_XML = 7;
    private static final String[] SINK_NAMES = {"sql", "cmd", "path", "url", "expr", "jndi", "class", "xml"};

    public static final String BLOCKED = "blocked";
    public static final String MONITORED = "monitored";

    /** How many recent events are kept (older ones are overwritten). */
    public static final int RECENT_EVENTS = 100;
    /** Sink values longer than this are cut in the recent events (the event file has them whole). */
    static final int MAX_SINK_CHARS = 512;

    private static final LongAdder[] CHECKS = adders();
    private static final LongAdder[] CHECK_NANOS = adders();

    /** Keyed by action, rule id and category; an entry is only ever added. */
    private static final ConcurrentHashMap<String, VerdictCount> VERDICTS = new ConcurrentHashMap<String, VerdictCount>();

    private static final AtomicReferenceArray<Recent> RECENT = new AtomicReferenceArray<Recent>(RECENT_EVENTS);
    private static final AtomicLong RECENT_SEQ = new AtomicLong();

    private static volatile String agentVersion;
    private static volatile String mode;
    private static volatile boolean attached;
    private static volatile long startedAtMillis;
    private static volatile String ruleSetId;
    private static volatile long ruleSetLoadedAtMillis;
    private static final AtomicLong RULE_SET_LOADS = new AtomicLong();
    private static volatile Callable<String> engineStats;
    private static volatile Listener listener;
    /** Told when an (action, rule, category) is counted for the first time; the agent's JMX beans follow it. */
    private static volatile Runnable newVerdictKind;

    private RaspTelemetry() {
    }

    /** Told about every monitored or blocked verdict, on the thread that made the check. */
    public interface Listener {
        /**
         * @param action    {@link #BLOCKED} or {@link #MONITORED}
         * @param eventJson the recent-event line (see {@link #recentEvents()})
         */
        void onVerdict(String action, String ruleId, String category, String eventJson);
    }

    /** One (action, rule, category) counter. */
    public static final class VerdictCount {
        public final String action;
        public final String ruleId;
        public final String category;
        private final LongAdder count = new LongAdder();

        VerdictCount(String action, String ruleId, String category) {
            this.action = action;
            this.ruleId = ruleId;
            this.category = category;
        }

        public long count() {
            return count.sum();
        }
    }

    private static final class Recent {
        final long seq;
        final String json;

        Recent(long seq, String json) {
            this.seq = seq;
            this.json = json;
        }
    }

    private static LongAdder[] adders() {
        LongAdder[] a = new LongAdder[SINK_NAMES.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = new LongAdder();
        }
        return a;
    }

    // ------------------------------------------------------------------ written by the agent

    /** One native check of a sink kind ({@link #SINK_SQL}, ...) that took {@code nanos}. */
    public static void checked(int sink, long nanos) {
        if (sink >= 0 && sink < CHECKS.length) {
            CHECKS[sink].increment();
            CHECK_NANOS[sink].add(nanos);
        }
    }

    /**
     * A monitored or blocked verdict. Counts it and keeps a one-line JSON summary among the
     * recent events; {@code eventId} links it to the full event in the event file.
     *
     * @param method, path the request's, or null outside a request
     */
    public static void verdict(int sink, boolean blocked, String ruleId, String category, String eventId,
                               String sinkValue, String method, String path) {
        String action = blocked ? BLOCKED : MONITORED;
        String rule = ruleId == null || ruleId.isEmpty() ? "unknown" : ruleId;
        String cat = category == null ? "" : category;
        String key = action + '\n' + rule + '\n' + cat;
        VerdictCount count = VERDICTS.get(key);
        boolean first = false;
        if (count == null) {
            VerdictCount fresh = new VerdictCount(action, rule, cat);
            count = VERDICTS.putIfAbsent(key, fresh);
            if (count == null) {
                count = fresh;
                first = true;
            }
        }
        count.count.increment();
        Runnable hook = first ? newVerdictKind : null;
        if (hook != null) {
            try {
                hook.run();
            } catch (Throwable ignored) {
                // a reader's failure must never reach the application's request
            }
        }

        String json = eventJson(System.currentTimeMillis(), action, rule, cat, eventId,
                sink >= 0 && sink < SINK_NAMES.length ? SINK_NAMES[sink] : "", sinkValue, method, path);
        long seq = RECENT_SEQ.getAndIncrement();
        RECENT.set((int) (seq % RECENT_EVENTS), new Recent(seq, json));

        Listener l = listener;
        if (l != null) {
            try {
                l.onVerdict(action, rule, cat, json);
            } catch (Throwable ignored) {
                // a reader's failure must never reach the application's request
            }
        }
    }

    /** The agent finished starting (its hooks are installed). {@code mode}: block or monitor. */
    public static void agentStarted(String version, String agentMode, boolean atStartup, Callable<String> stats) {
        agentVersion = version;
        mode = agentMode;
        attached = !atStartup;
        engineStats = stats;
        startedAtMillis = System.currentTimeMillis();
    }

    /** A rule set was loaded (at start, or by a reload); {@code id} as the rule file's header names it. */
    public static void ruleSetLoaded(String id) {
        ruleSetId = id;
        ruleSetLoadedAtMillis = System.currentTimeMillis();
        RULE_SET_LOADS.incrementAndGet();
    }

    // ------------------------------------------------------------------ read by the application

    /** True once the agent's hooks are installed in this JVM. */
    public static boolean started() {
        return startedAtMillis != 0L;
    }

    public static String agentVersion() {
        return agentVersion;
    }

    /** block or monitor (an agent in mode off installs nothing, this class included). */
    public static String mode() {
        return mode;
    }

    /** True when the agent was loaded into the running JVM (attach), false with -javaagent. */
    public static boolean attached() {
        return attached;
    }

    public static long startedAtMillis() {
        return startedAtMillis;
    }

    /** The loaded rule set's id ({@code name@version+checksum}), or null before one is loaded. */
    public static String ruleSetId() {
        return ruleSetId;
    }

    public static long ruleSetLoadedAtMillis() {
        return ruleSetLoadedAtMillis;
    }

    /** How many times a rule set was loaded (1 after the start, more after reloads). */
    public static long ruleSetLoads() {
        return RULE_SET_LOADS.get();
    }

    /** The sink kind names, indexed by {@link #SINK_SQL} and the others. */
    public static List<String> sinkNames() {
        List<String> names = new ArrayList<String>(SINK_NAMES.length);
        Collections.addAll(names, SINK_NAMES);
        return names;
    }

    public static long checks(int sink) {
        return sink >= 0 && sink < CHECKS.length ? CHECKS[sink].sum() : 0L;
    }

    /** Total time spent in the native checks of this sink kind. */
    public static long checkNanos(int sink) {
        return sink >= 0 && sink < CHECK_NANOS.length ? CHECK_NANOS[sink].sum() : 0L;
    }

    /** Every (action, rule, category) seen so far, with its live count. */
    public static List<VerdictCount> verdicts() {
        return new ArrayList<VerdictCount>(VERDICTS.values());
    }

    /** The count of one (action, rule, category); 0 when never seen. */
    public static long verdicts(String action, String ruleId, String category) {
        VerdictCount c = VERDICTS.get(action + '\n' + ruleId + '\n' + category);
        return c == null ? 0L : c.count();
    }

    /**
     * The most recent monitored and blocked verdicts, newest first, at most {@link #RECENT_EVENTS},
     * each one JSON object: {@code time, event_id, action, rule_id, category, sink {kind, value},
     * request {method, path}} (sink.value cut at 512 characters).
     */
    public static List<String> recentEvents() {
        long end = RECENT_SEQ.get();
        List<String> out = new ArrayList<String>();
        for (long seq = end - 1; seq >= 0 && seq >= end - RECENT_EVENTS; seq--) {
            Recent r = RECENT.get((int) (seq % RECENT_EVENTS));
            // a slot being rewritten holds an older or newer entry: skip it rather than misplace it
            if (r != null && r.seq == seq) {
                out.add(r.json);
            }
        }
        return out;
    }

    /** The engine's counters as JSON (checks, blocks, contexts_live, events_dropped, ...), or null. */
    public static String engineStats() {
        Callable<String> s = engineStats;
        if (s == null) {
            return null;
        }
        try {
            return s.call();
        } catch (Throwable t) {
            return null;
        }
    }

    /**
     * Sets (or with null removes) the hook run when an (action, rule, category) is first counted,
     * on the checking thread: it must return at once (the agent's JMX side only wakes its own
     * thread). Separate from {@link #setListener}, which belongs to the application's reader.
     */
    public static void onNewVerdictKind(Runnable hook) {
        newVerdictKind = hook;
    }

    /** Sets (or with null removes) the one listener. */
    public static void setListener(Listener l) {
        listener = l;
    }

    // ------------------------------------------------------------------ JSON

    static String eventJson(long timeMillis, String action, String ruleId, String category, String eventId,
                            String sinkKind, String sinkValue, String method, String path) {
        StringBuilder b = new StringBuilder(160 + (sinkValue == null ? 0 : Math.min(sinkValue.length(), MAX_SINK_CHARS)));
        b.append("{\"time\":");
        string(b, java.time.Instant.ofEpochMilli(timeMillis).toString());
        b.append(",\"event_id\":");
        string(b, eventId == null ? "" : eventId);
        b.append(",\"action\":");
        string(b, action);
        b.append(",\"rule_id\":");
        string(b, ruleId);
        b.append(",\"category\":");
        string(b, category);
        b.append(",\"sink\":{\"kind\":");
        string(b, sinkKind);
        b.append(",\"value\":");
        String value = sinkValue == null ? "" : sinkValue;
        boolean cut = value.length() > MAX_SINK_CHARS;
        string(b, cut ? value.substring(0, MAX_SINK_CHARS) : value);
        if (cut) {
            b.append(",\"value_cut\":true");
        }
        b.append("},\"request\":");
        if (method == null && path == null) {
            b.append("{}");
        } else {
            b.append("{\"method\":");
            string(b, method == null ? "" : method);
            b.append(",\"path\":");
            string(b, path == null ? "" : path);
            b.append('}');
        }
        return b.append('}').toString();
    }

    private static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    b.append("\\\"");
                    break;
                case '\\':
                    b.append("\\\\");
                    break;
                case '\n':
                    b.append("\\n");
                    break;
                case '\r':
                    b.append("\\r");
                    break;
                case '\t':
                    b.append("\\t");
                    break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c) && !pairedSurrogate(s, i)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        b.append('"');
    }

    /** A surrogate that is half of a valid pair (a lone one would make the line invalid UTF-8). */
    private static boolean pairedSurrogate(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
