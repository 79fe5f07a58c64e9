package dev.rasp.core.instrumentation.file;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.Named;

import java.io.File;
import java.io.FileFilter;
import java.io.FilenameFilter;

import static dev.rasp.core.instrumentation.matching.Matchers.isConstructor;
import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.isPublic;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.namedOneOf;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * File access through java.io. Only the constructors every other overload delegates to are
 * hooked (checked on JDK 17 and 25), so one open is one check:
 * FileInputStream(File), FileOutputStream(File, boolean), RandomAccessFile(File, String).
 * File: delete, list/listFiles (every public overload: on JDK 9+ they do not call each other),
 * renameTo, mkdir (mkdirs calls it), createNewFile; the metadata methods (exists, isFile, length,
 * canRead, setLastModified, ...: what they answer tells what exists); the constructors and
 * getCanonicalPath, whose normalised results are remembered for later checks; and
 * FileURLConnection.connect, where a file: URL is opened.
 */
public final class JavaIoInstrumentation implements InstrumentationModule {

    static final String FILE = "java.io.File";
    static final String FILE_INPUT_STREAM = "java.io.FileInputStream";
    static final String FILE_OUTPUT_STREAM = "java.io.FileOutputStream";
    static final String RANDOM_ACCESS_FILE = "java.io.RandomAccessFile";
    /** Where a file: URL is opened (URL.openStream, getInputStream, the header methods). */
    static final String FILE_URL_CONNECTION = "sun.net.www.protocol.file.FileURLConnection";

    @Override
    public String name() {
        return "java.io";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names(FILE, FILE_INPUT_STREAM, FILE_OUTPUT_STREAM, RANDOM_ACCESS_FILE, FILE_URL_CONNECTION);
    }

    @Override
    public Matcher<Named> bootstrapTypes() {
        return namedOneOf(FILE, FILE_INPUT_STREAM, FILE_OUTPUT_STREAM, RANDOM_ACCESS_FILE, FILE_URL_CONNECTION);
    }

    private static Matcher<MethodShape> method(String name) {
        return isMethod().and(named(name));
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        return builder
                .type(named(FILE_INPUT_STREAM))
                .transform(advice(adviceLoader).advice(isConstructor().and(takesArguments(File.class)),
                        CachedAdvice.nested(JavaIoAdvice.class, "FileInputStreamInit")))
                .type(named(FILE_OUTPUT_STREAM))
                .transform(advice(adviceLoader).advice(isConstructor().and(takesArguments(File.class, boolean.class)),
                        CachedAdvice.nested(JavaIoAdvice.class, "FileOutputStreamInit")))
                .type(named(RANDOM_ACCESS_FILE))
                .transform(advice(adviceLoader).advice(isConstructor().and(takesArguments(File.class, String.class)),
                        CachedAdvice.nested(JavaIoAdvice.class, "RandomAccessFileInit")))
                .type(named(FILE))
                .transform(advice(adviceLoader)
                        .advice(method("delete").and(takesArguments(0)), CachedAdvice.nested(JavaIoAdvice.class, "Delete"))
                        .advice(isMethod().and(isPublic()).and(namedOneOf("list", "listFiles"))
                                        .and(takesArguments(0).or(takesArguments(FilenameFilter.class))
                                                .or(takesArguments(FileFilter.class))),
                                CachedAdvice.nested(JavaIoAdvice.class, "List"))
                        .advice(method("renameTo").and(takesArguments(File.class)), CachedAdvice.nested(JavaIoAdvice.class, "RenameTo"))
                        .advice(method("mkdir").and(takesArguments(0)), CachedAdvice.nested(JavaIoAdvice.class, "Mkdir"))
                        .advice(method("createNewFile").and(takesArguments(0)), CachedAdvice.nested(JavaIoAdvice.class, "CreateNewFile")))
                .type(named(FILE))
                .transform(metadata(advice(adviceLoader)))
                .type(named(FILE_URL_CONNECTION))
                .transform(advice(adviceLoader).advice(method("connect").and(takesArguments(0)),
                        CachedAdvice.nested(FileUrlAdvice.class, "Connect")));
    }

    /**
     * File's metadata methods (each its own PathApi code; setReadable(boolean) and its siblings
     * call the two-argument form, which the dedupe of one path and op answers), the constructors
     * that collapse {@code //}, and getCanonicalPath (getCanonicalFile calls it).
     */
    private static CachedAdvice metadata(CachedAdvice a) {
        String[][] noArgs = {
                {"exists", CachedAdvice.nested(FileMetadataAdvice.class, "Exists")},
                {"isFile", CachedAdvice.nested(FileMetadataAdvice.class, "IsFile")},
                {"isDirectory", CachedAdvice.nested(FileMetadataAdvice.class, "IsDirectory")},
                {"length", CachedAdvice.nested(FileMetadataAdvice.class, "Length")},
                {"lastModified", CachedAdvice.nested(FileMetadataAdvice.class, "LastModified")},
                {"canRead", CachedAdvice.nested(FileMetadataAdvice.class, "CanRead")},
                {"canWrite", CachedAdvice.nested(FileMetadataAdvice.class, "CanWrite")},
                {"canExecute", CachedAdvice.nested(FileMetadataAdvice.class, "CanExecute")},
                {"isHidden", CachedAdvice.nested(FileMetadataAdvice.class, "IsHidden")},
                {"setReadOnly", CachedAdvice.nested(FileMetadataAdvice.class, "SetReadOnly")},
        };
        for (String[] m : noArgs) {
            a = a.advice(method(m[0]).and(isPublic()).and(takesArguments(0)), m[1]);
        }
        return a
                .advice(method("setReadable").and(isPublic()), CachedAdvice.nested(FileMetadataAdvice.class, "SetReadable"))
                .advice(method("setWritable").and(isPublic()), CachedAdvice.nested(FileMetadataAdvice.class, "SetWritable"))
                .advice(method("setExecutable").and(isPublic()), CachedAdvice.nested(FileMetadataAdvice.class, "SetExecutable"))
                .advice(method("setLastModified").and(takesArguments(long.class)),
                        CachedAdvice.nested(FileMetadataAdvice.class, "SetLastModified"))
                .advice(isConstructor().and(isPublic()).and(takesArguments(String.class)),
                        CachedAdvice.nested(FileMetadataAdvice.class, "FromString"))
                .advice(isConstructor().and(isPublic()).and(takesArguments(String.class, String.class)
                                .or(takesArguments(File.class, String.class))),
                        CachedAdvice.nested(FileMetadataAdvice.class, "FromParentAndChild"))
                .advice(method("getCanonicalPath").and(takesArguments(0)), CachedAdvice.nested(FileMetadataAdvice.class, "CanonicalPath"))
                .advice(method("mkdirs").and(takesArguments(0)), CachedAdvice.nested(FileMetadataAdvice.class, "Mkdirs"));
    }

    private static CachedAdvice advice(ClassLoader adviceLoader) {
        return CachedAdvice.of(adviceLoader);
    }
}
