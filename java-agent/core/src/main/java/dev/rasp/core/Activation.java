package dev.rasp.core;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspTelemetry;
import dev.rasp.core.config.AgentConfig;
import dev.rasp.core.engine.Engine;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.JdkTypes;
import dev.rasp.core.instrumentation.LoadedClasses;
import dev.rasp.core.instrumentation.PrefilteredTransformer;
import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.jit.JitDirectives;
import dev.rasp.core.jmx.AgentJmx;
import dev.rasp.core.instrumentation.expr.ExpressionInstrumentation;
import dev.rasp.core.instrumentation.net.NetInstrumentation;
import dev.rasp.core.instrumentation.jndi.JndiInstrumentation;
import dev.rasp.core.instrumentation.context.ContextInstrumentation;
import dev.rasp.core.instrumentation.deser.DeserializationInstrumentation;
import dev.rasp.core.instrumentation.deser.JacksonTypeIdInstrumentation;
import dev.rasp.core.instrumentation.deser.SnakeYamlInstrumentation;
import dev.rasp.core.instrumentation.deser.XStreamInstrumentation;
import dev.rasp.core.instrumentation.sources.SourcesInstrumentation;
import dev.rasp.core.instrumentation.websocket.WebSocketInstrumentation;
import dev.rasp.core.instrumentation.xml.XmlEntityInstrumentation;
import dev.rasp.core.instrumentation.file.JavaIoInstrumentation;
import dev.rasp.core.instrumentation.file.NioFileInstrumentation;
import dev.rasp.core.instrumentation.process.ProcessInstrumentation;
import dev.rasp.core.instrumentation.jdbc.JdbcInstrumentation;
import dev.rasp.core.instrumentation.orm.OrmInstrumentation;
import dev.rasp.core.instrumentation.servlet.ServletInstrumentation;
import dev.rasp.core.rules.RuleSetManager;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.TypePrefilter;
import dev.rasp.core.instrumentation.WeavingTransformer;
import dev.rasp.core.instrumentation.TypeHierarchy;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.Matchers;
import dev.rasp.core.instrumentation.matching.Named;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.function.ToIntFunction;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;


/**
 * Second half of the start, once the engine is initialised and the bridge is in the boot
 * loader: installs the bridge's hooks, then the class transformations.
 */
final class Activation {

    private static final boolean PREFILTER = !"off".equals(System.getProperty("rasp.debug.prefilter"));
    /** {@code -Drasp.debug.classhook=java}: every class through a java.lang.instrument transformer, as before the native hook. */
    private static final boolean NATIVE_CLASS_HOOK = !"java".equals(System.getProperty("rasp.debug.classhook"));

    private Activation() {
    }

    static List<InstrumentationModule> modules() {
        return Arrays.<InstrumentationModule>asList(new ServletInstrumentation(), new JdbcInstrumentation(),
                new OrmInstrumentation(),
                new ProcessInstrumentation(), new JavaIoInstrumentation(), new NioFileInstrumentation(),
                new ContextInstrumentation(), new SourcesInstrumentation(),
                new WebSocketInstrumentation(), new NetInstrumentation(), new ExpressionInstrumentation(),
                new JndiInstrumentation(), new DeserializationInstrumentation(), new SnakeYamlInstrumentation(),
                new XStreamInstrumentation(), new JacksonTypeIdInstrumentation(),
                new XmlEntityInstrumentation());
    }

    /** The boot loader's classes the modules hook (by name); the agent ignores every other one. */
    static Matcher<Named> jdkSinks(List<InstrumentationModule> modules) {
        Matcher<Named> jdkSinks = Matchers.none();
        for (InstrumentationModule module : modules) {
            jdkSinks = jdkSinks.or(module.bootstrapTypes());
        }
        return jdkSinks;
    }

    /** What {@link #prepare} built: the transformations, not installed yet. */
    static final class Prepared {
        /** The agent's transformer behind the pre-filter, as the JVM is to hold it. */
        final ClassFileTransformer transformer;
        /** The agent's transformer itself (what the retransformation pass asks). */
        final WeavingTransformer weaving;
        final InternalErrors errors;
        /** Which of the classes loaded before the install the pass looks at. */
        final LoadedClassDiscovery discovery;
        /** What the native class-load hook lets through ({@link TypePrefilter#firstLookSpec}); null for no native hook. */
        final byte[] firstLookSpec;
        /** The pre-filter, null when switched off. */
        final TypePrefilter prefilter;

        Prepared(ClassFileTransformer transformer, WeavingTransformer weaving, InternalErrors errors,
                 LoadedClassDiscovery discovery, byte[] firstLookSpec, TypePrefilter prefilter) {
            this.transformer = transformer;
            this.weaving = weaving;
            this.errors = errors;
            this.discovery = discovery;
            this.firstLookSpec = firstLookSpec;
            this.prefilter = prefilter;
        }
    }

    /**
     * Builds the class transformations (nothing is installed: no class is transformed yet). Runs
     * while the engine loads on its own thread; needs the bridge classes defined, not installed.
     */
    static Prepared prepare(Instrumentation instrumentation) {
        InternalErrors errors = new InternalErrors();
        ClassLoader coreLoader = Activation.class.getClassLoader();
        List<InstrumentationModule> modules = modules();
        // The boot loader's classes are ignored except the JDK sinks the modules name
        // (ProcessImpl, java.io, the file system providers): the transformer then never looks at
        // the rest of the JDK, and the retransformation pass at start only touches those.
        Matcher<Named> jdkSinks = jdkSinks(modules);
        // the JDK's classes loaded at install, known from the snapshot the pass takes: the pre-filter
        // and the type matchers (TypeHierarchy) describe them from their classes, not their class files
        JdkTypes jdkTypes = new JdkTypes();
        Transformations transformations = new Transformations();
        for (InstrumentationModule module : modules) {
            module.extend(transformations, coreLoader);
        }
        // a super type its loader has loaded is described from its class, not read from its jar
        LoadedClasses loadedClasses = LoadedClasses.of(new LoadedClasses.Lookup() {
            @Override
            public Class<?> find(ClassLoader loader, String binaryName) {
                return Engine.loadedClass(loader, binaryName);
            }
        });
        final TypePrefilter prefilter = new TypePrefilter(typeKeys(modules), jdkTypes,
                transformations.methodNamesOfHierarchyRules(), loadedClasses);
        StartupTimes.watch(prefilter);
        // the agent's own transformer: it describes, matches and weaves the types itself
        ErrorListener listener = new ErrorListener(errors);
        WeavingTransformer weaving = new WeavingTransformer(transformations, jdkSinks, coreLoader, IGNORED_PREFIXES,
                PREFILTER ? prefilter.hierarchy() : new TypeHierarchy(jdkTypes), instrumentation, RaspBridge.class,
                listener);
        ClassFileTransformer transformer = PrefilteredTransformer.wrap(weaving, PREFILTER ? prefilter : null,
                jdkSinks, coreLoader, StartupTimes.probe());
        preloadExecutors(errors);
        // the classes loaded before the install are retransformed after it, on a thread of its own
        LoadedClassDiscovery pass = new LoadedClassDiscovery(jdkSinks, coreLoader, PREFILTER ? prefilter : null, jdkTypes);
        byte[] spec = PREFILTER && NATIVE_CLASS_HOOK ? prefilter.firstLookSpec(jdkSinks) : null;
        return new Prepared(transformer, weaving, errors, pass, spec, PREFILTER ? prefilter : null);
    }

    /**
     * The classes the JVM loads from now on are first looked at in native code, and only those that
     * may match reach the transformer (Design, "The first look at a class is native"); retransformations
     * reach it too. False when the hook is switched off or the library cannot install it: the
     * transformer is then registered with java.lang.instrument, as before.
     */
    private static boolean installNativeClassHook(Prepared prepared) {
        if (prepared.firstLookSpec == null) {
            return false;
        }
        PrefilteredTransformer.NativeHandler handler = PrefilteredTransformer.nativeHandler(prepared.transformer);
        if (handler == null) {
            return false;
        }
        String refused;
        try {
            refused = Engine.installClassHook(prepared.firstLookSpec, Activation.class.getClassLoader(), handler);
        } catch (Throwable t) {
            refused = t.toString(); // a library without it
        }
        if (refused != null) {
            AgentLog.info("native class hook not installed (" + refused + "); classes go through a java.lang.instrument transformer");
            return false;
        }
        if (prepared.prefilter != null) {
            // the pass over the classes loaded before the hook reads their key constants from the JVM
            prepared.prefilter.readLoadedConstantsFrom(new ToIntFunction<Class<?>>() {
                @Override
                public int applyAsInt(Class<?> type) {
                    return Engine.classHookKeyConstant(type);
                }
            });
        }
        return true;
    }

    /** The advice classes read on a thread of their own, not by the first classes woven on the application's. */
    private static void readAdvice(final WeavingTransformer weaving, InternalErrors errors) {
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                long t0 = System.nanoTime();
                weaving.readAdvice();
                if (StartupTimes.ENABLED) {
                    StartupTimes.detail(String.format(Locale.ROOT, "advice classes read in %.1f ms (background)",
                            (System.nanoTime() - t0) / 1e6));
                }
            }
        }, "rasp-advice-read");
        t.setDaemon(true);
        try {
            t.start();
        } catch (Throwable noThread) {
            // read as their first targets load instead
            errors.record("starting the advice reader", noThread);
        }
    }

    /**
     * Loaded (not initialised) before the transformer is installed, so the retransformation pass covers them: on
     * JDK 25 ForkJoinPool is first loaded while another class is being transformed, where the transformer leaves it
     * untransformed without an error, and the common pool's hand-offs (CompletableFuture.supplyAsync,
     * commonPool().submit) then lost the request (JdkMatrixSmokeIT).
     */
    private static void preloadExecutors(InternalErrors errors) {
        for (String jdkExecutor : ContextInstrumentation.PRELOADED) {
            try {
                Class.forName(jdkExecutor, false, null);
            } catch (Throwable t) {
                errors.record("loading " + jdkExecutor, t);
            }
        }
    }

    /**
     * Classes the agent never transforms, whatever the modules' matchers say: its own (its relocated
     * ASM among them) and an application's ByteBuddy, as ByteBuddy's default ignore rule had it when
     * the agent used ByteBuddy: another agent's or framework's instrumentation library is left alone.
     */
    private static final List<String> IGNORED_PREFIXES = Arrays.asList("net.bytebuddy.", "dev.rasp.core.",
            "dev.rasp.bootstrap.", "dev.rasp.agent.", "dev.rasp.shaded.");

    /** Each module's {@link TypeKeys}: what the pre-filter looks for. */
    static List<TypeKeys> typeKeys(List<InstrumentationModule> modules) {
        List<TypeKeys> keys = new ArrayList<TypeKeys>();
        for (InstrumentationModule module : modules) {
            TypeKeys k = new TypeKeys();
            module.typeKeys(k);
            keys.add(k);
        }
        return keys;
    }

    static void start(Instrumentation instrumentation, Prepared prepared, AgentConfig config, boolean atStartup,
                      String version, RuleSetManager rules) {
        InternalErrors errors = prepared.errors;
        if (!RaspBridge.install(new RaspRuntime(config, errors))) {
            AgentLog.info("agent already installed in this JVM; nothing done");
            return;
        }
        StartupTimes.phase("bridge installed");
        SinkPreload.beforeInstall();
        ClassFileTransformer transformer = prepared.transformer;
        boolean nativeHook = installNativeClassHook(prepared);
        if (!nativeHook) {
            instrumentation.addTransformer(transformer, true);
        }
        // the pass makes the matchers hot at once: the directive that keeps them out of C2 goes first
        JitDirectives.awaitDecided(50);
        LoadedClassPass.start(instrumentation, prepared.weaving, prepared.discovery, errors);
        StartupTimes.phase(nativeHook ? "native class hook installed (loaded classes: in the background)"
                : "transformer installed (loaded classes: in the background)");
        if (!nativeHook) {
            // the snapshot of the loaded classes is taken: loads are woven from now on without the JVM
            // keeping their original class files (PrefilteredTransformer, "Two registrations")
            PrefilteredTransformer.registerForLoads(instrumentation, transformer);
        }
        StartupTimes.report();
        SinkPreload.start();
        readAdvice(prepared.weaving, errors);

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            StartupTimes.report();
            if (errors.errors() > 0) {
                AgentLog.info(errors.errors() + " internal error(s) were contained during this run");
            }
            long[] hook = Engine.classHookStats();
            if (hook != null && hook[3] > 0) {
                AgentLog.info(hook[3] + " class(es) the native class hook could not hand to the transformer were left as they were");
            }
            // Queued events first (bounded by rasp.events.shutdown_timeout_ms), so that the stats
            // below count every event as written or dropped.
            try {
                Engine.shutdownEvents(config.eventsShutdownTimeoutMs());
            } catch (Throwable t) {
                // an older native library without it: queued events are then neither written nor counted
            }
            // One line for operators: checks, blocks, monitors, engine errors, contexts still
            // open (0 when every request released its own), events written and dropped.
            try {
                AgentLog.info("engine stats " + Engine.stats());
                AgentLog.info("hand-offs " + RaspBridge.handOffStats());
            } catch (Throwable t) {
                // the JVM is going down; nothing to contain it for
            }
        }, "rasp-shutdown"));
        AgentLog.info("agent " + version + " started" + (atStartup ? "" : " (attached)") + ": " + config.describe());
        RaspTelemetry.agentStarted(version, config.mode().name().toLowerCase(Locale.ROOT), atStartup, Engine::stats);
        rules.activate(RaspTelemetry::ruleSetLoaded); // and watches rasp.rules.file for changes
        if (config.jmxEnabled()) {
            AgentJmx.start(); // on a thread of its own; a refusal is logged, never thrown
        }
        StartupTimes.phase("telemetry, rule watcher, JMX");
    }

    /**
     * Which of the classes already loaded when the transformer is installed (a few thousand at
     * premain: the JDK's and the agent's own; at attach every application class loaded so far) the
     * retransformation pass looks at: not the agent core loader's, not the boot loader's other than
     * the JDK sinks (the same name matcher as the transformer's), and of the rest those the
     * pre-filter keeps.
     */
    static final class LoadedClassDiscovery {
        private final Matcher<? super Named> jdkSinks;
        private final ClassLoader ownLoader;
        private final TypePrefilter prefilter;
        private final JdkTypes jdkTypes;

        /** @param prefilter null to keep every class of another loader than the boot loader and the agent's */
        LoadedClassDiscovery(Matcher<? super Named> jdkSinks, ClassLoader ownLoader, TypePrefilter prefilter,
                             JdkTypes jdkTypes) {
            this.jdkSinks = jdkSinks;
            this.ownLoader = ownLoader;
            this.prefilter = prefilter;
            this.jdkTypes = jdkTypes;
        }

        /** The classes loaded when the transformer was installed: the JDK's among them are described from their classes. */
        void snapshotTaken(Class<?>[] loaded) {
            jdkTypes.know(loaded);
        }

        boolean keep(Class<?> type) {
            try {
                ClassLoader loader = type.getClassLoader();
                if (loader == ownLoader) {
                    return false;
                }
                if (loader == null) {
                    // named by a module, then by its hierarchy as any class (the java.util.concurrent
                    // name rule alone took in every queue, map and atomic the JVM had loaded)
                    return jdkSinks.matches(new Matchers.TypeName(type.getName()))
                            && (prefilter == null || prefilter.candidate(type));
                }
                // at attach every application class loaded so far: by reflection first (TypePrefilter)
                return prefilter == null || prefilter.candidate(type);
            } catch (Throwable t) {
                return true; // undecided: the transformer's matchers look at it
            }
        }
    }

    /** Instrumentation failures never reach the application; they are counted and the first few logged. */
    static final class ErrorListener implements WeavingTransformer.Listener {
        private final InternalErrors errors;
        private final boolean logTransformations = Boolean.getBoolean("rasp.debug.transformations");
        private final AtomicInteger logged = new AtomicInteger();

        ErrorListener(InternalErrors errors) {
            this.errors = errors;
        }

        @Override
        public void onTransformation(String typeName) {
            StartupTimes.transformed();
            if (logTransformations && logged.incrementAndGet() <= 1000) {
                AgentLog.info("instrumented " + typeName);
            }
        }

        @Override
        public void onError(String typeName, Throwable error) {
            errors.record("instrumenting " + typeName, error);
        }
    }
}
