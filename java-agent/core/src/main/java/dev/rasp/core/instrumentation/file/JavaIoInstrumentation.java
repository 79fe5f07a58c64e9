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
                        .advice(method("createNewFile").and(takesArguments(0)), JavaIoAdvice.CreateNewFile.class.getName()))
                .type(named(FILE))
                .transform(metadata(advice(adviceLoader)))
                .type(named(FILE_URL_CONNECTION))
                .transform(advice(adviceLoader).advice(method("connect").and(takesArguments(0)),
                        FileUrlAdvice.Connect.class.getName()));
    }

    /**
     * File's metadata methods (each its own PathApi code; setReadable(boolean) and its siblings
     * call the two-argument form, which the dedupe of one path and op answers), the constructors
     * that collapse {@code //}, and getCanonicalPath (getCanonicalFile calls it).
     */
    private static CachedAdvice metadata(CachedAdvice a) {
        String[][] noArgs = {
                {"exists", FileMetadataAdvice.Exists.class.getName()},
                {"isFile", FileMetadataAdvice.IsFile.class.getName()},
                {"isDirectory", FileMetadataAdvice.IsDirectory.class.getName()},
                {"length", FileMetadataAdvice.Length.class.getName()},
                {"lastModified", FileMetadataAdvice.LastModified.class.getName()},
                {"canRead", FileMetadataAdvice.CanRead.class.getName()},
                {"canWrite", FileMetadataAdvice.CanWrite.class.getName()},
                {"canExecute", FileMetadataAdvice.CanExecute.class.getName()},
                {"isHidden", FileMetadataAdvice.IsHidden.class.getName()},
                {"setReadOnly", FileMetadataAdvice.SetReadOnly.class.getName()},
        };
        for (String[] m : noArgs) {
            a = a.advice(method(m[0]).and(isPublic()).and(takesArguments(0)), m[1]);
        }
        return a
                .advice(method("setReadable").and(isPublic()), FileMetadataAdvice.SetReadable.class.getName())
                .advice(method("setWritable").and(isPublic()), FileMetadataAdvice.SetWritable.class.getName())
                .advice(method("setExecutable").and(isPublic()), FileMetadataAdvice.SetExecutable.class.getName())
                .advice(method("setLastModified").and(takesArguments(long.class)),
                        FileMetadataAdvice.SetLastModified.class.getName())
                .advice(isConstructor().and(isPublic()).and(takesArguments(String.class)),
                        FileMetadataAdvice.FromString.class.getName())
                .advice(isConstructor().and(isPublic()).and(takesArguments(String.class, String.class)
                                .or(takesArguments(File.class, String.class))),
                        FileMetadataAdvice.FromParentAndChild.class.getName())
                .advice(method("getCanonicalPath").and(takesArguments(0)), FileMetadataAdvice.CanonicalPath.class.getName())
                .advice(method("mkdirs").and(takesArguments(0)), FileMetadataAdvice.Mkdirs.class.getName());
    }

    private static CachedAdvice advice(ClassLoader adviceLoader) {
        return CachedAdvice.of(adviceLoader);
    }
}
