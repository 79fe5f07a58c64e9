package dev.rasp.core.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.utility.JavaModule;

import java.security.ProtectionDomain;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cheap first look at every class being loaded, before ByteBuddy's matchers: most of the
 * agent's start went into those matchers, whose {@code hasSuperType} resolves each class's whole
 * hierarchy by reading every super type's class file from its class loader again for every class.
 *
 * <p>Here the class's own bytes give its name, superclass, interfaces and constant pool; whether
 * a super type has one of the {@link TypeKeys} names in its hierarchy is remembered per class
 * loader (one boolean per type name), so each super type's class file is read at most once per
 * loader. A class that shows no key is ignored (ByteBuddy does not look at it); every other class
 * goes to ByteBuddy's matchers exactly as before. Whatever cannot be decided here (a super type
 * whose class file its loader does not serve, e.g. one generated at run time; a class file ASM
 * cannot read; a retransformation of a loaded class) counts as a candidate: this filter only
 * ever removes classes no matcher can match.
 *
 * <p>Wiring: the transformer is decorated with this callback, which runs before ByteBuddy's with
 * the class file and leaves its verdict for the thread; the ignore matcher {@link #ignores} then
 * reads it for the same type name.
 */
public final class TypePrefilter implements ResettableClassFileTransformer.WithDelegation.Callback<String> {

    /** Deeper hierarchies do not exist in practice; past this, a type counts as a candidate. */
    private static final int MAX_DEPTH = 64;

    private final Set<String> names = new HashSet<String>();
    private final String[][] shapes;
    private final byte[][] constants;
    private final boolean[] constantLength = new boolean[1 << 16];
    private final ClassLoader ownLoader;
    /** Internal name of the class being loaded on this thread that no matcher can match, or null. */
    private final ThreadLocal<String> skip = new ThreadLocal<String>();
    /** Per class loader: internal type name to whether its hierarchy holds a key name. */
    private final Map<ClassLoader, Map<String, Boolean>> byLoader =
            Collections.synchronizedMap(new WeakHashMap<ClassLoader, Map<String, Boolean>>());
    /** java.* types, which only the boot and platform loaders define: one map for all loaders. */
    private final Map<String, Boolean> jdk = new ConcurrentHashMap<String, Boolean>();
    private final ClassFileLocator jdkLocator = ClassFileLocator.ForClassLoader.ofSystemLoader();

    /**
     * @param ownLoader the agent core's loader, whose classes ByteBuddy ignores anyway: they are
     *                  passed through untouched so that loading this filter's own classes never
     *                  runs it
     */
    public TypePrefilter(List<TypeKeys> keys, ClassLoader ownLoader) {
        this.ownLoader = ownLoader;
        int shapeCount = 0;
        int constantCount = 0;
        for (TypeKeys k : keys) {
            shapeCount += k.nameShapes().size();
            constantCount += k.constants().size();
        }
        shapes = new String[shapeCount][];
        constants = new byte[constantCount][];
        int s = 0;
        int c = 0;
        for (TypeKeys k : keys) {
            for (String name : k.names()) {
                names.add(name.replace('.', '/'));
            }
            for (String[] shape : k.nameShapes()) {
                shapes[s++] = new String[] {shape[0].replace('.', '/'), shape[1].replace('.', '/')};
            }
            for (byte[] constant : k.constants()) {
                constants[c++] = constant;
                constantLength[constant.length] = true;
            }
        }
    }

    /** The ignore matcher that reads the callback's verdict. */
    public AgentBuilder.RawMatcher ignores() {
        return new AgentBuilder.RawMatcher() {
            @Override
            public boolean matches(TypeDescription type, ClassLoader loader, JavaModule module, Class<?> redefined,
                                   ProtectionDomain domain) {
                String s = skip.get();
                return s != null && redefined == null && sameName(s, type.getName());
            }
        };
    }

    @Override
    public String onBeforeTransform(JavaModule module, ClassLoader loader, String internalName, Class<?> redefined,
                                    ProtectionDomain domain, byte[] classFile) {
        String previous = skip.get();
        String next = null;
        // The boot loader's classes are left to ByteBuddy's ignore matcher, which passes only the
        // JDK sinks by name, more cheaply than reading their class files here.
        if (redefined == null && internalName != null && classFile != null && loader != null && loader != ownLoader) {
            try {
                if (!candidate(loader, classFile)) {
                    next = internalName;
                }
            } catch (Throwable t) {
                next = null; // undecided: ByteBuddy looks at it
            }
        }
        skip.set(next);
        return previous;
    }

    @Override
    public void onAfterTransform(String previous, JavaModule module, ClassLoader loader, String internalName,
                                 Class<?> redefined, ProtectionDomain domain, byte[] classFile) {
        skip.set(previous);
    }

    /** False only when no module's type matcher can match the class in this class file. */
    public boolean candidate(ClassLoader loader, byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        String name = reader.getClassName();
        if (names.contains(name) || hasShape(name) || hasConstant(reader, classFile)) {
            return true;
        }
        boolean inherits = superTypesInherit(loader, reader, 0);
        // remembered for its subclasses (a loader defines a name once)
        memo(loader, name).put(name, inherits);
        return inherits;
    }

    private boolean superTypesInherit(ClassLoader loader, ClassReader reader, int depth) {
        String superName = reader.getSuperName();
        if (superName != null && inherits(loader, superName, depth + 1)) {
            return true;
        }
        for (String i : reader.getInterfaces()) {
            if (inherits(loader, i, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the type of this internal name, as the loader sees it, has a key name in its hierarchy. */
    private boolean inherits(ClassLoader loader, String name, int depth) {
        if (names.contains(name)) {
            return true;
        }
        Map<String, Boolean> known = memo(loader, name);
        Boolean b = known.get(name);
        if (b != null) {
            return b;
        }
        boolean result = depth > MAX_DEPTH || resolve(loader, name, depth);
        known.put(name, result);
        return result;
    }

    private boolean resolve(ClassLoader loader, String name, int depth) {
        byte[] classFile;
        try {
            ClassFileLocator locator = isJdk(name) ? jdkLocator : ClassFileLocator.ForClassLoader.of(loader);
            ClassFileLocator.Resolution resolution = locator.locate(name.replace('/', '.'));
            if (!resolution.isResolved()) {
                return true; // not served as a resource (generated at run time?): undecided
            }
            classFile = resolution.resolve();
            return superTypesInherit(loader, new ClassReader(classFile), depth);
        } catch (Exception | LinkageError e) {
            return true;
        }
    }

    private Map<String, Boolean> memo(ClassLoader loader, String name) {
        if (isJdk(name)) {
            return jdk;
        }
        Map<String, Boolean> m = byLoader.get(loader);
        if (m == null) {
            synchronized (byLoader) {
                m = byLoader.get(loader);
                if (m == null) {
                    m = new ConcurrentHashMap<String, Boolean>();
                    byLoader.put(loader, m);
                }
            }
        }
        return m;
    }

    private static boolean isJdk(String name) {
        return name.startsWith("java/");
    }

    private boolean hasShape(String name) {
        for (String[] shape : shapes) {
            if (name.startsWith(shape[0]) && name.endsWith(shape[1])) {
                return true;
            }
        }
        return false;
    }

    private boolean hasConstant(ClassReader reader, byte[] b) {
        if (constants.length == 0) {
            return false;
        }
        int count = reader.getItemCount();
        for (int i = 1; i < count; i++) {
            int offset = reader.getItem(i);
            // offset of the entry's content; the tag byte is just before it (1 = CONSTANT_Utf8)
            if (offset <= 0 || b[offset - 1] != 1) {
                continue;
            }
            int length = ((b[offset] & 0xff) << 8) | (b[offset + 1] & 0xff);
            if (!constantLength[length]) {
                continue;
            }
            for (byte[] constant : constants) {
                if (constant.length == length && equalAt(b, offset + 2, constant)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean equalAt(byte[] b, int at, byte[] text) {
        for (int i = 0; i < text.length; i++) {
            if (b[at + i] != text[i]) {
                return false;
            }
        }
        return true;
    }

    /** "a/b/C" against "a.b.C" (ByteBuddy's binary name; '$' is the same in both). */
    static boolean sameName(String internal, String binary) {
        if (internal.length() != binary.length()) {
            return false;
        }
        for (int i = 0; i < internal.length(); i++) {
            char c = internal.charAt(i);
            char d = binary.charAt(i);
            if (c != d && !(c == '/' && d == '.')) {
                return false;
            }
        }
        return true;
    }
}
