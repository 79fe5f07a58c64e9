package dev.rasp.core.instrumentation.weaving;

import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * One advice method: where each of its parameters comes from, whether its exceptions are
 * suppressed, and its code to inline.
 */
final class AdviceMethod {

    enum Kind { ENTER, EXIT }

    /** Where a parameter's value comes from. */
    enum Source { ARGUMENT, THIS, ALL_ARGUMENTS, ENTER, RETURN, THROWN, FIELD, ORIGIN, CUSTOM }

    /** One parameter of the advice method. */
    static final class Parameter {
        final Type type;
        /** The advice's local variable slot. */
        final int slot;
        Source source;
        int index;
        String text;
        boolean readOnly = true;
        ParameterSource custom;
        Object customValue;

        Parameter(Type type, int slot) {
            this.type = type;
            this.slot = slot;
        }
    }

    final Kind kind;
    final String name;
    final Type returnType;
    final Parameter[] parameters;
    /** Exceptions the advice throws are swallowed (ByteBuddy's {@code suppress = Throwable.class}). */
    final boolean suppress;
    /** Exit advice also runs when the method throws ({@code onThrowable = Throwable.class}). */
    final boolean onThrowable;
    /**
     * Exit advice sees the arguments as they were when the method's own code began, whatever it
     * assigned to them since ({@code backupArguments}, true unless the advice says otherwise).
     */
    final boolean backupArguments;
    final RecordedCode code;

    private AdviceMethod(Builder b, Parameter[] parameters) {
        this.kind = b.kind;
        this.name = b.name;
        this.returnType = Type.getReturnType(b.descriptor);
        this.parameters = parameters;
        this.suppress = b.suppress;
        this.onThrowable = b.onThrowable;
        this.backupArguments = b.backupArguments;
        this.code = b.code;
    }

    boolean readsEnter() {
        for (Parameter p : parameters) {
            if (p.source == Source.ENTER) {
                return true;
            }
        }
        return false;
    }

    /** True when some parameter reads the instrumented method's argument or receiver in that slot. */
    boolean readsSlot(TargetMethod target, int slot) {
        for (Parameter p : parameters) {
            switch (p.source) {
                case THIS:
                case FIELD:
                    if (!target.isStatic && slot == 0) {
                        return true;
                    }
                    break;
                case ALL_ARGUMENTS:
                    return true;
                case CUSTOM:
                    if (p.custom.readsArguments()) {
                        return true;
                    }
                    break;
                case ARGUMENT:
                    if (p.index < target.argumentCount() && target.argumentSlot(p.index) == slot) {
                        return true;
                    }
                    break;
                default:
                    break;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return name;
    }

    /** Collects one method of the advice class while it is read. */
    static final class Builder {
        static final String ARGUMENT = Type.getDescriptor(Advice.Argument.class);
        static final String THIS = Type.getDescriptor(Advice.This.class);
        static final String ALL_ARGUMENTS = Type.getDescriptor(Advice.AllArguments.class);
        static final String ENTER = Type.getDescriptor(Advice.Enter.class);
        static final String RETURN = Type.getDescriptor(Advice.Return.class);
        static final String THROWN = Type.getDescriptor(Advice.Thrown.class);
        static final String FIELD_VALUE = Type.getDescriptor(Advice.FieldValue.class);
        static final String ORIGIN = Type.getDescriptor(Advice.Origin.class);
        static final String NO_EXCEPTION = Type.getDescriptor(Advice.OnMethodEnter.class).replace("OnMethodEnter;", "NoExceptionHandler;");
        static final String THROWABLE = "Ljava/lang/Throwable;";

        final int access;
        final String name;
        final String descriptor;
        final ParameterBindings bindings;
        final RecordedCode code = new RecordedCode();
        final Parameter[] parameters;
        Kind kind;
        boolean suppress;
        boolean onThrowable;
        boolean backupArguments = true;

        Builder(int access, String name, String descriptor, ParameterBindings bindings) {
            this.access = access;
            this.name = name;
            this.descriptor = descriptor;
            this.bindings = bindings;
            Type[] types = Type.getArgumentTypes(descriptor);
            this.parameters = new Parameter[types.length];
            int slot = 0;
            for (int i = 0; i < types.length; i++) {
                parameters[i] = new Parameter(types[i], slot);
                slot += types[i].getSize();
            }
        }

        AnnotationVisitor adviceAnnotation() {
            return new AnnotationVisitor(AdviceClass.ASM_API) {
                @Override
                public void visit(String element, Object value) {
                    if ("backupArguments".equals(element)) {
                        backupArguments = (Boolean) value;
                        return;
                    }
                    if ("inline".equals(element) && Boolean.FALSE.equals(value)
                            || element.endsWith("Index") && !Integer.valueOf(-1).equals(value)) {
                        throw new AdviceException(name + ": " + element + " = " + value + " is not supported");
                    }
                    if (!(value instanceof Type)) {
                        return; // prependLineNumber: line numbers are not kept anyway
                    }
                    String thrown = ((Type) value).getDescriptor();
                    boolean any = THROWABLE.equals(thrown);
                    if (!any && !NO_EXCEPTION.equals(thrown)) {
                        throw new AdviceException(name + ": " + element + " = " + thrown + " (only Throwable.class is supported)");
                    }
                    if ("suppress".equals(element)) {
                        suppress = any;
                    } else if ("onThrowable".equals(element)) {
                        onThrowable = any;
                    } else if (any) {
                        throw new AdviceException(name + ": " + element + " is not supported");
                    }
                }
            };
        }

        AnnotationVisitor parameterAnnotation(int index, String annotation) {
            final Parameter p = parameters[index];
            Source source = sourceOf(annotation);
            if (source == null) {
                ParameterSource custom = bindings.get(annotation);
                if (custom == null) {
                    return null; // not a binding (e.g. @SuppressWarnings); unbound parameters fail in build()
                }
                source = Source.CUSTOM;
                p.custom = custom;
            }
            if (p.source != null) {
                throw new AdviceException(name + ": parameter " + index + " has two bindings");
            }
            p.source = source;
            return new AnnotationVisitor(AdviceClass.ASM_API) {
                @Override
                public void visit(String element, Object value) {
                    if ("value".equals(element)) {
                        if (p.source == Source.ARGUMENT) {
                            p.index = (Integer) value;
                        } else if (p.source == Source.CUSTOM) {
                            p.customValue = value;
                        } else {
                            p.text = (String) value;
                        }
                    } else if ("readOnly".equals(element)) {
                        p.readOnly = (Boolean) value;
                    } else if ("optional".equals(element) || "declaringType".equals(element)) {
                        throw new AdviceException(name + ": parameter element " + element + " is not supported");
                    }
                    // typing: a value of another type is always cast (Conversions), so DYNAMIC needs nothing more
                }
            };
        }

        private static Source sourceOf(String annotation) {
            if (ARGUMENT.equals(annotation)) {
                return Source.ARGUMENT;
            } else if (THIS.equals(annotation)) {
                return Source.THIS;
            } else if (ALL_ARGUMENTS.equals(annotation)) {
                return Source.ALL_ARGUMENTS;
            } else if (ENTER.equals(annotation)) {
                return Source.ENTER;
            } else if (RETURN.equals(annotation)) {
                return Source.RETURN;
            } else if (THROWN.equals(annotation)) {
                return Source.THROWN;
            } else if (FIELD_VALUE.equals(annotation)) {
                return Source.FIELD;
            } else if (ORIGIN.equals(annotation)) {
                return Source.ORIGIN;
            }
            return null;
        }

        AdviceMethod build(String className) {
            String where = className + "." + name;
            if ((access & Opcodes.ACC_STATIC) == 0) {
                throw new AdviceException(where + " is not static");
            }
            if (!code.hasCode()) {
                throw new AdviceException(where + " has no code");
            }
            for (int i = 0; i < parameters.length; i++) {
                Parameter p = parameters[i];
                if (p.source == null) {
                    throw new AdviceException(where + ": parameter " + i + " has no binding");
                }
                boolean writable = !p.readOnly;
                if (!writable && code.storesTo(p.slot)) {
                    throw new AdviceException(where + ": assigns read-only parameter " + i);
                }
                switch (p.source) {
                    case ENTER:
                    case RETURN:
                    case THROWN:
                        if (kind == Kind.ENTER) {
                            throw new AdviceException(where + ": @" + p.source + " in an enter method");
                        }
                        break;
                    case ORIGIN:
                        if (writable || !"java/lang/String".equals(p.type.getInternalName())) {
                            throw new AdviceException(where + ": @Origin is a read-only String");
                        }
                        if (p.text == null || !p.text.equals("#m") && !p.text.equals("#t") && !p.text.equals("#d")) {
                            throw new AdviceException(where + ": @Origin(\"" + p.text + "\") (supported: #m, #t, #d)");
                        }
                        break;
                    case THIS:
                    case CUSTOM:
                        if (writable) {
                            throw new AdviceException(where + ": parameter " + i + " cannot be written");
                        }
                        break;
                    case ALL_ARGUMENTS:
                        if (!"[Ljava/lang/Object;".equals(p.type.getDescriptor())) {
                            throw new AdviceException(where + ": @AllArguments is an Object[]");
                        }
                        break;
                    default:
                        break;
                }
                if (kind == Kind.EXIT && p.source == Source.THROWN && !"java/lang/Throwable".equals(p.type.getInternalName())) {
                    throw new AdviceException(where + ": @Thrown is a Throwable");
                }
            }
            AdviceMethod method = new AdviceMethod(this, parameters);
            if (method.kind == Kind.EXIT && method.returnType.getSort() != Type.VOID) {
                throw new AdviceException(where + ": an exit method returns void");
            }
            return method;
        }
    }
}
