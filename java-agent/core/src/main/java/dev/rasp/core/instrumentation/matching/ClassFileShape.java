package dev.rasp.core.instrumentation.matching;

import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A class as its class file declares it, for the type and method matchers: read with one ASM pass
 * over its header, members and annotations (no code), on first use; its super types' own super
 * types come from {@link SuperTypes} (read from the class's loader, remembered per loader, without
 * loading anything). The same {@link ClassReader} then serves the weaving.
 */
public final class ClassFileShape implements TypeShape {

    /** Deeper hierarchies do not exist in practice; past this many types the walk stops. */
    private static final int MAX_TYPES = 512;

    private final ClassReader reader;
    private final SuperTypes superTypes;
    private final String name;
    private List<String> annotations;
    private List<MethodShape> methods;

    public ClassFileShape(ClassReader reader, SuperTypes superTypes) {
        this.reader = reader;
        this.superTypes = superTypes;
        this.name = reader.getClassName().replace('/', '.');
    }

    public ClassReader reader() {
        return reader;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int modifiers() {
        return reader.getAccess();
    }

    @Override
    public boolean hasSuperType(Matcher<? super Named> matcher) {
        if (matcher.matches(this)) {
            return true;
        }
        return anySuperType(SuperTypes.names(reader.getSuperName(), reader.getInterfaces()), superTypes, matcher);
    }

    @Override
    public List<String> annotations() {
        read();
        return annotations;
    }

    @Override
    public List<MethodShape> methods() {
        read();
        return methods;
    }

    private void read() {
        if (methods != null) {
            return;
        }
        final List<String> typeAnnotations = new ArrayList<String>(2);
        final List<MethodShape> declared = new ArrayList<MethodShape>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public AnnotationVisitor visitAnnotation(String descriptor, boolean visible) {
                typeAnnotations.add(annotationName(descriptor));
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String methodName, String descriptor, String signature,
                                             String[] exceptions) {
                final Method method = new Method(access, methodName, descriptor, superTypes);
                declared.add(method);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                        method.annotate(annotationName(annotation));
                        return null;
                    }
                };
            }
        }, ClassReader.SKIP_CODE | ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        annotations = Collections.unmodifiableList(typeAnnotations);
        methods = Collections.unmodifiableList(declared);
    }

    @Override
    public String toString() {
        return name;
    }

    static String annotationName(String descriptor) {
        return descriptor.substring(1, descriptor.length() - 1).replace('/', '.');
    }

    /**
     * Whether one of these types (internal names) or their super types, transitively, matches by
     * name. A type whose super types cannot be read is matched by its name and not walked further.
     */
    static boolean anySuperType(String[] direct, SuperTypes superTypes, Matcher<? super Named> matcher) {
        if (direct == null || direct.length == 0) {
            return false;
        }
        ArrayDeque<String> queue = new ArrayDeque<String>(8);
        Set<String> seen = new HashSet<String>();
        for (String d : direct) {
            if (seen.add(d)) {
                queue.add(d);
            }
        }
        while (!queue.isEmpty() && seen.size() < MAX_TYPES) {
            String next = queue.poll();
            if (matcher.matches(new Matchers.TypeName(next.replace('/', '.')))) {
                return true;
            }
            String[] supers = superTypes.of(next);
            if (supers != null) {
                for (String s : supers) {
                    if (seen.add(s)) {
                        queue.add(s);
                    }
                }
            }
        }
        return false;
    }

    /** A type named by a descriptor: a method's parameter or return type. */
    static final class DescribedType implements TypeRef {
        private final String name;
        /** Null for primitive and array types, whose hierarchy is not walked. */
        private final String internalName;
        private final SuperTypes superTypes;

        DescribedType(Type type, SuperTypes superTypes) {
            this.superTypes = superTypes;
            switch (type.getSort()) {
                case Type.OBJECT:
                    this.internalName = type.getInternalName();
                    this.name = internalName.replace('/', '.');
                    break;
                case Type.ARRAY:
                    this.internalName = null;
                    this.name = type.getDescriptor().replace('/', '.');
                    break;
                default:
                    this.internalName = null;
                    this.name = type.getClassName();
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean hasSuperType(Matcher<? super Named> matcher) {
            if (matcher.matches(this)) {
                return true;
            }
            return internalName != null && anySuperType(superTypes.of(internalName), superTypes, matcher);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A declared method or constructor. */
    static final class Method implements MethodShape {
        private final int access;
        private final String name;
        private final String descriptor;
        private final SuperTypes superTypes;
        private List<String> annotations = Collections.emptyList();
        private List<TypeRef> parameters;
        private TypeRef returnType;

        Method(int access, String name, String descriptor, SuperTypes superTypes) {
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
            this.superTypes = superTypes;
        }

        void annotate(String annotation) {
            if (annotations.isEmpty()) {
                annotations = new ArrayList<String>(2);
            }
            annotations.add(annotation);
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int modifiers() {
            return access;
        }

        @Override
        public String descriptor() {
            return descriptor;
        }

        @Override
        public List<TypeRef> parameters() {
            List<TypeRef> p = parameters;
            if (p == null) {
                Type[] types = Type.getArgumentTypes(descriptor);
                if (types.length == 0) {
                    p = Collections.emptyList();
                } else {
                    p = new ArrayList<TypeRef>(types.length);
                    for (Type t : types) {
                        p.add(new DescribedType(t, superTypes));
                    }
                }
                parameters = p;
            }
            return p;
        }

        @Override
        public TypeRef returnType() {
            TypeRef r = returnType;
            if (r == null) {
                r = new DescribedType(Type.getReturnType(descriptor), superTypes);
                returnType = r;
            }
            return r;
        }

        @Override
        public List<String> annotations() {
            return annotations;
        }

        @Override
        public String toString() {
            return name + descriptor;
        }
    }
}
