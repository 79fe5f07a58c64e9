package dev.rasp.core.instrumentation;

import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.MatcherBounds;
import org.objectweb.asm.Type;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

/**
 * The cheap first look at every class being loaded, before the type matchers (once ByteBuddy's,
 * whose {@code hasSuperType} resolved each class's whole hierarchy by reading every super type's
 * class file from its class loader again for every class: most of the agent's start then).
 *
 * <p>Here the class's own bytes give its name, superclass, interfaces, constant pool and declared
 * method names (one pass, {@link ClassFileScan}); whether a super type has one of the
 * {@link TypeKeys} names in its hierarchy is remembered per class loader (one boolean per type
 * name), and the super types it read are kept in {@link TypeHierarchy} for the matchers, so each
 * super type's class file is read at most once per loader. A class that shows no key is ignored
 * (no matcher looks at it); every other class goes to the matchers. Whatever cannot be decided
 * here (a super type whose class file its loader does not serve, e.g. one generated at run time; a
 * class file that cannot be read; a retransformation of a loaded class) counts as a candidate:
 * this filter only ever removes classes no matcher can match.
 *
 * <p>Most classes show no key of their own, and reading their super types was most of this
 * filter's time (about 2,000 class files at a Spring Boot start). The rules that look at super
 * types only ever weave methods the class declares, of a few names (the servlet's
 * {@code doFilter}, a statement's {@code executeQuery}, an executor's {@code submit}, ...): a class
 * that declares no method of those names is left alone whatever its super types, and they are not
 * read (a third as many reads). What that relies on: every rule that does not look at super types
 * matches on what the class's own keys show (checked on real classes by TypePrefilterCorpusTest).
 *
 * <p>{@link PrefilteredTransformer} asks it before the transformer sees a class; a class it rejects
 * never reaches the matchers at all.
 *
 * <p>Why super types are read as class files, not loaded: the JVM loads them right after this
 * hook anyway, so loading them here (not initialised) would spare the second read, but the JDK's
 * java.lang.instrument runs no transformer for a class loaded while a transformer is running on
 * the same thread: every super type loaded from here stayed untransformed (HttpServlet,
 * GenericFilter, the SQLite driver's statements: 20 of 138 hooks missing on the Spring test app).
 */
public final class TypePrefilter {

    /** Deeper hierarchies do not exist in practice; past this, a type counts as a candidate. */
    private static final int MAX_DEPTH = 64;

    private final Set<String> names = new HashSet<String>();
    private final String[][] shapes;
    /** The key constants, as modified UTF-8 by length ({@link ClassFileScan#byLength}); empty when there are none. */
    private final byte[][][] constants;
    /** Per class loader: internal type name to whether its hierarchy holds a key name. */
    private final PerLoader<Boolean> byLoader = new PerLoader<Boolean>();
    /** java.* types, which only the boot and platform loaders define: one map for all loaders. */
    private final Map<String, Boolean> jdk = new ConcurrentHashMap<String, Boolean>();
    /** The JDK's class files: read from its image, not through its mapping ({@link JdkImage}). */
    /**
     * The JDK's classes loaded when the transformer was installed: a JDK super type found there is
     * judged by reflection on the loaded class (its super types are loaded too, so nothing is loaded)
     * instead of reading its class file from the JDK's image ({@link JdkTypes} says why).
     */
    private final JdkTypes jdkTypes;
    /** The super types' class files, read once per loader (and used again by the type matchers). */
    private final TypeHierarchy hierarchy;

    /**
     * Whether a loaded class's constant pool holds a key constant, asked of the JVM (1, 0; -1: unknown,
     * read its class file): {@link #readLoadedConstantsFrom}. Reading the class files of the classes
     * already loaded at attach (a few thousand on a Spring Boot application, each inflated from a nested
     * jar) was most of the starter's retransformation pass: about 290 of its 600 ms.
     */
    private volatile ToIntFunction<Class<?>> loadedConstants = UNKNOWN;
    /** (A class, not a lambda: no lambda is bootstrapped at premain for this.) */
    private static final ToIntFunction<Class<?>> UNKNOWN = new ToIntFunction<Class<?>>() {
        @Override
        public int applyAsInt(Class<?> type) {
            return -1;
        }
    };
    private final AtomicInteger constantsFromJvm = new AtomicInteger();
    private final AtomicInteger constantsFromFiles = new AtomicInteger();

    /**
     * The names of the methods a class must declare for a rule that looks at super types to change
     * it, as class file bytes by length ({@link Transformations#methodNamesOfHierarchyRules}); null
     * when any name can be, and every class that shows no key of its own has its super types read.
     */
    private final byte[][][] wovenNames;

    /**
     * A pre-filter that knows no loaded JDK type (every super type's class file is read) and reads
     * the super types of every class that shows no key of its own.
     */
    public TypePrefilter(List<TypeKeys> keys) {
        this(keys, new JdkTypes(), null);
    }

    /** As {@link #TypePrefilter(List)}, knowing the JDK's loaded types. */
    public TypePrefilter(List<TypeKeys> keys, JdkTypes jdkTypes) {
        this(keys, jdkTypes, null);
    }

    /**
     * @param wovenMethodNames the names of the methods a class must declare for a rule that looks
     *     at super types to change it ({@link Transformations#methodNamesOfHierarchyRules}): a class
     *     that shows no key of its own and declares none of them is left alone without reading its
     *     super types; null to read them for every class that shows no key of its own
     */
    public TypePrefilter(List<TypeKeys> keys, JdkTypes jdkTypes, Set<String> wovenMethodNames) {
        this(keys, jdkTypes, wovenMethodNames, LoadedClasses.NONE);
    }

    /**
     * As {@link #TypePrefilter(List, JdkTypes, Set)}, describing a super type its loader has loaded
     * already from its class ({@link LoadedClasses}) rather than its class file.
     */
    public TypePrefilter(List<TypeKeys> keys, JdkTypes jdkTypes, Set<String> wovenMethodNames,
                         LoadedClasses loadedClasses) {
        this.jdkTypes = jdkTypes;
        this.wovenNames = wovenMethodNames == null ? null : ClassFileScan.byLength(modifiedUtf8(wovenMethodNames));
        this.hierarchy = new TypeHierarchy(jdkTypes, loadedClasses);
        int shapeCount = 0;
        for (TypeKeys k : keys) {
            shapeCount += k.nameShapes().size();
        }
        shapes = new String[shapeCount][];
        List<byte[]> allConstants = new ArrayList<byte[]>();
        int s = 0;
        for (TypeKeys k : keys) {
            for (String name : k.names()) {
                names.add(name.replace('.', '/'));
            }
            for (String[] shape : k.nameShapes()) {
                shapes[s++] = new String[] {shape[0].replace('.', '/'), shape[1].replace('.', '/')};
            }
            allConstants.addAll(k.constants());
        }
        constants = ClassFileScan.byLength(allConstants);
    }

    /**
     * From now on the key constants of a loaded class ({@link #candidate(Class)}) are asked of
     * {@code jvm} first (the native class hook's {@code Engine::classHookKeyConstant}, which reads the
     * class's constant pool in the JVM); its -1 falls back to the class file.
     */
    public void readLoadedConstantsFrom(ToIntFunction<Class<?>> jvm) {
        loadedConstants = jvm;
    }

    /** For rasp.debug.startup: loaded classes whose key constants came from the JVM, and from class files. */
    public int[] loadedConstantReads() {
        return new int[] {constantsFromJvm.get(), constantsFromFiles.get()};
    }

    /**
     * The same question for a class already loaded (at the agent's start: the JDK's; at attach: all
     * the application's so far): its own name and its super types' names by reflection (all loaded,
     * so nothing is read or loaded), and the constants from its class file as at load. The
     * hierarchy's verdicts are remembered for the loader like those of class files, so a class
     * loaded later whose super types were loaded before does not read their class files. Whatever
     * cannot be answered counts as a candidate.
     */
    public boolean candidate(Class<?> type) {
        try {
            String name = internalName(type);
            if (names.contains(name) || hasShape(name)) {
                return true;
            }
            if (loadedInherits(type.getClassLoader(), type, 0)) {
                return true;
            }
            return constants.length > 0 && declaresConstant(type);
        } catch (Throwable t) {
            return true;
        }
    }

    /**
     * Whether a loaded class's constant pool holds a key constant, read from its class file as at
     * load (its own jar first, then its loader); by reflection only when no class file is served (a
     * class generated at run time). Reflection was most of the check at attach (about 80 µs a class
     * on a Spring Boot application: every declared member's types resolved, and loaded when they
     * were not yet) and failed on members whose types are missing from the class path.
     *
     * <p>What it assumes: the class was defined from the bytes its jar or loader serves, as
     * {@link ClassFileHome} assumes for super types. A loader that rewrites classes as it defines
     * them (load-time weaving) and adds a {@code ResultSet executeQuery(String)} the class file does
     * not declare would have that class judged on the file; its hierarchy is still judged on the
     * loaded class, so a statement or connection type is never dropped this way.
     */
    private boolean declaresConstant(Class<?> type) {
        int inJvm = loadedConstants.applyAsInt(type);
        if (inJvm >= 0) {
            constantsFromJvm.incrementAndGet();
            return inJvm == 1;
        }
        constantsFromFiles.incrementAndGet();
        byte[] classFile = ownClassFile(type);
        if (classFile != null) {
            try {
                return new ClassFileScan(classFile, constants).hasKeyConstant();
            } catch (RuntimeException unreadable) {
                return true; // cannot be read: undecided
            }
        }
        return reflectivelyDeclaresConstant(type);
    }

    private byte[] ownClassFile(Class<?> type) {
        return hierarchy.classFileOf(type);
    }

    private boolean loadedInheritsOrUndecided(Class<?> type, int depth) {
        try {
            return loadedInherits(type.getClassLoader(), type, depth);
        } catch (Throwable t) {
            return true;
        }
    }

    /** Whether a proper super type of a loaded class has a key name, remembered as {@link #inherits} does. */
    private boolean loadedInherits(ClassLoader loader, Class<?> type, int depth) {
        String name = internalName(type);
        Map<String, Boolean> known = memo(loader, name);
        Boolean b = known.get(name);
        if (b != null) {
            return b;
        }
        boolean result = depth > MAX_DEPTH;
        Class<?> superclass = type.getSuperclass();
        if (!result && superclass != null) {
            result = names.contains(internalName(superclass)) || loadedInherits(loader, superclass, depth + 1);
        }
        if (!result) {
            for (Class<?> i : type.getInterfaces()) {
                if (names.contains(internalName(i)) || loadedInherits(loader, i, depth + 1)) {
                    result = true;
                    break;
                }
            }
        }
        known.put(name, result);
        return result;
    }

    private boolean reflectivelyDeclaresConstant(Class<?> type) {
        if (annotatedWithConstant(type.getDeclaredAnnotations())) {
            return true;
        }
        for (Method m : type.getDeclaredMethods()) {
            if (isConstant(Type.getMethodDescriptor(m)) || annotatedWithConstant(m.getDeclaredAnnotations())) {
                return true;
            }
        }
        for (Constructor<?> c : type.getDeclaredConstructors()) {
            if (isConstant(Type.getConstructorDescriptor(c)) || annotatedWithConstant(c.getDeclaredAnnotations())) {
                return true;
            }
        }
        for (Field f : type.getDeclaredFields()) {
            if (isConstant(Type.getDescriptor(f.getType())) || annotatedWithConstant(f.getDeclaredAnnotations())) {
                return true;
            }
        }
        return false;
    }

    private boolean annotatedWithConstant(Annotation[] annotations) {
        for (Annotation a : annotations) {
            if (isConstant(Type.getDescriptor(a.annotationType()))) {
                return true;
            }
        }
        return false;
    }

    private boolean isConstant(String text) {
        if (text.length() >= constants.length || constants[text.length()] == null) {
            return false;
        }
        for (byte[] constant : constants[text.length()]) {
            if (equalAt(text, constant)) {
                return true;
            }
        }
        return false;
    }

    private static boolean equalAt(String text, byte[] ascii) {
        for (int i = 0; i < ascii.length; i++) {
            if (text.charAt(i) != (char) ascii[i]) {
                return false;
            }
        }
        return true;
    }

    private static String internalName(Class<?> type) {
        return type.getName().replace('.', '/');
    }

    /** False only when no module's type matcher can match the class in this class file. */
    public boolean candidate(ClassLoader loader, byte[] classFile) {
        return candidate(loader, null, classFile);
    }

    /**
     * As {@link #candidate(ClassLoader, byte[])}, reading a super type first from the jar the class
     * itself comes from ({@code domain}'s code source) when that is a {@code jar:} URL.
     */
    public boolean candidate(ClassLoader loader, ProtectionDomain domain, byte[] classFile) {
        ClassFileScan scan = new ClassFileScan(classFile, constants);
        String name = scan.className();
        if (names.contains(name) || hasShape(name) || scan.hasKeyConstant()) {
            return true;
        }
        if (wovenNames != null && !declaresWovenMethod(scan)) {
            // whatever its super types, no advice goes into a method of this class: they are not
            // read (most of the reads at a start were for such classes). Keeping its own super
            // types for its subclasses cost more at a start than the reads it spared them.
            return false;
        }
        return superTypesDecide(loader, domain, name, scan.superName(), scan.interfaces());
    }

    /**
     * The last step of {@link #candidate(ClassLoader, ProtectionDomain, byte[])} alone, for a class
     * whose own class file shows no key but declares a woven method, from the names the native
     * first look read in it (native/jni/src/class_hook/super_types.rs): whether one of
     * {@code superTypes} (its superclass and interfaces, less those the look knows to have no key
     * type), as {@code loader} sees it, has a key name in its hierarchy. The answer is remembered
     * for the class as for a class file.
     */
    public boolean superTypesCandidate(ClassLoader loader, ProtectionDomain domain, String name, String[] superTypes) {
        return superTypesDecide(loader, domain, name, null, superTypes);
    }

    private boolean superTypesDecide(ClassLoader loader, ProtectionDomain domain, String name, String superName,
                                     String[] interfaces) {
        boolean inherits = superTypesInherit(loader, superName, interfaces, ClassFileHome.of(domain));
        // remembered for its subclasses (a loader defines a name once)
        memo(loader, name).put(name, inherits);
        return inherits;
    }

    private boolean superTypesInherit(ClassLoader loader, String superName, String[] interfaces, ClassFileHome home) {
        if (superName != null && inherits(loader, superName, 1, home)) {
            return true;
        }
        for (String i : interfaces) {
            if (inherits(loader, i, 1, home)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the type of this internal name, as the loader sees it, has a key name in its hierarchy. */
    private boolean inherits(ClassLoader loader, String name, int depth, ClassFileHome home) {
        if (names.contains(name)) {
            return true;
        }
        Map<String, Boolean> known = memo(loader, name);
        Boolean b = known.get(name);
        if (b != null) {
            return b;
        }
        Class<?> loaded = JdkTypes.isJdk(name) ? jdkTypes.loaded(name.replace('/', '.')) : null;
        boolean result = depth > MAX_DEPTH
                || (loaded != null ? loadedInheritsOrUndecided(loaded, depth) : resolve(loader, name, depth, home));
        known.put(name, result);
        return result;
    }

    private boolean resolve(ClassLoader loader, String name, int depth, ClassFileHome home) {
        TypeHierarchy.Node node = hierarchy.node(loader, name, home);
        if (node.supers == null) {
            return true; // not served as a class file (generated at run time?): undecided
        }
        for (String s : node.supers) {
            if (inherits(loader, s, depth + 1, node.home)) {
                return true;
            }
        }
        return false;
    }

    /**
     * How many super types' class files were read, how many of them from the jar of the class that
     * named them, and in how many nanoseconds in all (the start-up figures of -Drasp.debug.startup).
     */
    public long[] readStats() {
        return hierarchy.readStats();
    }

    /** The super types read so far, shared with the type matchers. */
    public TypeHierarchy hierarchy() {
        return hierarchy;
    }

    private Map<String, Boolean> memo(ClassLoader loader, String name) {
        return JdkTypes.isJdk(name) ? jdk : byLoader.of(loader);
    }

    private boolean hasShape(String name) {
        for (String[] shape : shapes) {
            if (name.startsWith(shape[0]) && name.endsWith(shape[1])) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the class declares a method (or constructor) of one of {@link #wovenNames}; true when
     * its methods table cannot be walked (the class stays undecided).
     */
    private boolean declaresWovenMethod(ClassFileScan scan) {
        try {
            return scan.declaresMethodOf(wovenNames);
        } catch (RuntimeException malformed) {
            return true;
        }
    }

    /**
     * What the native class-load hook needs to let through what {@link #candidate(ClassLoader,
     * ProtectionDomain, byte[])} may keep (native/jni/src/class_hook/filter.rs reads it): the key
     * names and shapes, the key constants, the woven method names, and the boot loader's types by
     * the bound of {@code bootTypes} (every boot class when it has none). Records of a kind byte,
     * a big-endian u16 length and modified UTF-8.
     */
    public byte[] firstLookSpec(Matcher<?> bootTypes) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            for (String name : names) {
                text(out, SPEC_TYPE_NAME, name);
            }
            for (String[] shape : shapes) {
                text(out, SPEC_SHAPE_PREFIX, shape[0]);
                text(out, SPEC_SHAPE_SUFFIX, shape[1]);
            }
            raw(out, SPEC_KEY_CONSTANT, constants);
            if (wovenNames == null) {
                text(out, SPEC_ANY_WOVEN_METHOD, "");
            } else {
                raw(out, SPEC_WOVEN_METHOD, wovenNames);
            }
            MatcherBounds.NameBound boot = MatcherBounds.typeNames(bootTypes);
            if (boot == null) {
                text(out, SPEC_ANY_BOOT, "");
            } else {
                for (String name : boot.names) {
                    text(out, SPEC_BOOT_NAME, name.replace('.', '/'));
                }
                for (String prefix : boot.prefixes) {
                    text(out, SPEC_BOOT_PREFIX, prefix.replace('.', '/'));
                }
            }
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        return bytes.toByteArray();
    }

    private static final int SPEC_TYPE_NAME = 1;
    private static final int SPEC_SHAPE_PREFIX = 2;
    private static final int SPEC_SHAPE_SUFFIX = 3;
    private static final int SPEC_KEY_CONSTANT = 4;
    private static final int SPEC_WOVEN_METHOD = 5;
    private static final int SPEC_ANY_WOVEN_METHOD = 6;
    private static final int SPEC_BOOT_NAME = 7;
    private static final int SPEC_BOOT_PREFIX = 8;
    private static final int SPEC_ANY_BOOT = 9;

    private static void text(DataOutputStream out, int kind, String text) throws IOException {
        out.writeByte(kind);
        out.writeUTF(text);
    }

    private static void raw(DataOutputStream out, int kind, byte[][][] byLength) throws IOException {
        for (byte[][] same : byLength) {
            if (same == null) {
                continue;
            }
            for (byte[] text : same) {
                out.writeByte(kind);
                out.writeShort(text.length);
                out.write(text);
            }
        }
    }

    /** Names as a class file's constant pool holds them (modified UTF-8: what DataOutput.writeUTF writes). */
    private static List<byte[]> modifiedUtf8(Set<String> names) {
        List<byte[]> utf = new ArrayList<byte[]>(names.size());
        for (String name : names) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try {
                new DataOutputStream(bytes).writeUTF(name);
            } catch (IOException impossible) {
                throw new IllegalStateException(impossible);
            }
            byte[] withLength = bytes.toByteArray();
            utf.add(Arrays.copyOfRange(withLength, 2, withLength.length));
        }
        return utf;
    }

}
