package dev.rasp.core.instrumentation.file;

import dev.rasp.core.instrumentation.InstrumentationModule;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import java.io.File;
import java.io.FileFilter;
import java.io.FilenameFilter;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isPublic;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

/**
 * File access through java.io. Only the constructors every other overload delegates to are
 * hooked (checked on JDK 17 and 25), so one open is one check:
 * FileInputStream(File), FileOutputStream(File, boolean), RandomAccessFile(File, String).
 * File: delete, list/listFiles (every public overload: on JDK 9+ they do not call each other),
 * renameTo, mkdir (mkdirs calls it), createNewFile.
 */
public final class JavaIoInstrumentation implements InstrumentationModule {

    static final String FILE = "java.io.File";
    static final String FILE_INPUT_STREAM = "java.io.FileInputStream";
    static final String FILE_OUTPUT_STREAM = "java.io.FileOutputStream";
    static final String RANDOM_ACCESS_FILE = "java.io.RandomAccessFile";

    @Override
    public String name() {
        return "java.io";
    }

    @Override
    public ElementMatcher.Junction<TypeDescription> bootstrapTypes() {
        return namedOneOf(FILE, FILE_INPUT_STREAM, FILE_OUTPUT_STREAM, RANDOM_ACCESS_FILE);
    }

    private static ElementMatcher.Junction<MethodDescription> method(String name) {
        return isMethod().and(named(name));
    }

    @Override
    public AgentBuilder extend(AgentBuilder builder, ClassLoader adviceLoader) {
        return builder
                .type(named(FILE_INPUT_STREAM))
                .transform(advice(adviceLoader).advice(isConstructor().and(takesArguments(File.class)),
                        JavaIoAdvice.FileInputStreamInit.class.getName()))
                .type(named(FILE_OUTPUT_STREAM))
                .transform(advice(adviceLoader).advice(isConstructor().and(takesArguments(File.class, boolean.class)),
                        JavaIoAdvice.FileOutputStreamInit.class.getName()))
                .type(named(RANDOM_ACCESS_FILE))
                .transform(advice(adviceLoader).advice(isConstructor().and(takesArguments(File.class, String.class)),
                        JavaIoAdvice.RandomAccessFileInit.class.getName()))
                .type(named(FILE))
                .transform(advice(adviceLoader)
                        .advice(method("delete").and(takesArguments(0)), JavaIoAdvice.Delete.class.getName())
                        .advice(isMethod().and(isPublic()).and(namedOneOf("list", "listFiles"))
                                        .and(takesArguments(0).or(takesArguments(FilenameFilter.class))
                                                .or(takesArguments(FileFilter.class))),
                                JavaIoAdvice.List.class.getName())
                        .advice(method("renameTo").and(takesArguments(File.class)), JavaIoAdvice.RenameTo.class.getName())
                        .advice(method("mkdir").and(takesArguments(0)), JavaIoAdvice.Mkdir.class.getName())
                        .advice(method("createNewFile").and(takesArguments(0)), JavaIoAdvice.CreateNewFile.class.getName()));
    }

    private static AgentBuilder.Transformer.ForAdvice advice(ClassLoader adviceLoader) {
        return new AgentBuilder.Transformer.ForAdvice().include(adviceLoader);
    }
}
