package dev.rasp.core.instrumentation.file;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.Named;

import static dev.rasp.core.instrumentation.matching.Matchers.isAbstract;
import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.namedOneOf;
import static dev.rasp.core.instrumentation.matching.Matchers.not;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * File access through java.nio.file: the JDK's FileSystemProvider implementations, by name, in
 * the class that declares each method (on JDK 17 and 25: UnixFileSystemProvider for the
 * channels, copy, move, createDirectory and newDirectoryStream; AbstractFileSystemProvider for
 * delete and deleteIfExists). Everything in java.nio.file.Files, FileChannel.open, and the
 * default FileSystemProvider.newInputStream/newOutputStream reach these. zipfs declares its own,
 * newInputStream/newOutputStream included. Third-party providers are not instrumented.
 * Metadata (checkAccess, exists, readAttributes, getFileAttributeView, setAttribute, isHidden) and
 * links (createLink, createSymbolicLink, readSymbolicLink) are hooked the same way. The default
 * Path and FileSystem get exit advice where they normalise (normalize, toRealPath, getPath).
 */
public final class NioFileInstrumentation implements InstrumentationModule {

    /** Boot-loader providers (and their subclasses, in case a later JDK overrides there). */
    static final String[] JDK_PROVIDERS = {
            "sun.nio.fs.AbstractFileSystemProvider",
            "sun.nio.fs.UnixFileSystemProvider",
            "sun.nio.fs.LinuxFileSystemProvider",
            "sun.nio.fs.BsdFileSystemProvider",
            "sun.nio.fs.MacOSXFileSystemProvider",
            "sun.nio.fs.AixFileSystemProvider",
            "sun.nio.fs.SolarisFileSystemProvider",
            "sun.nio.fs.WindowsFileSystemProvider",
    };

    /** zipfs: the platform loader on JDK 9+, the extension loader (com.sun.nio.zipfs) on JDK 8. */
    static final String[] ZIP_PROVIDERS = {
            "jdk.nio.zipfs.ZipFileSystemProvider",
            "com.sun.nio.zipfs.ZipFileSystemProvider",
    };

    /** The default file systems' Path and FileSystem, where paths are normalised. */
    static final String[] JDK_PATHS = {
            "sun.nio.fs.UnixPath",
            "sun.nio.fs.WindowsPath",
    };
    static final String[] JDK_FILE_SYSTEMS = {
            "sun.nio.fs.UnixFileSystem",
            "sun.nio.fs.LinuxFileSystem",
            "sun.nio.fs.BsdFileSystem",
            "sun.nio.fs.MacOSXFileSystem",
            "sun.nio.fs.WindowsFileSystem",
    };

    @Override
    public String name() {
        return "java.nio.file";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names(JDK_PROVIDERS).names(ZIP_PROVIDERS).names(JDK_PATHS).names(JDK_FILE_SYSTEMS);
    }

    @Override
    public Matcher<Named> bootstrapTypes() {
        return namedOneOf(JDK_PROVIDERS).or(namedOneOf(JDK_PATHS)).or(namedOneOf(JDK_FILE_SYSTEMS));
    }

    /** A concrete method of the provider API: name, arity, first parameter a Path. */
    static Matcher<MethodShape> providerMethod(String name, int arity) {
        return isMethod().and(named(name)).and(not(isAbstract())).and(takesArguments(arity))
                .and(takesArgument(0, named("java.nio.file.Path")));
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        return builder
                .type(namedOneOf(JDK_PROVIDERS).or(namedOneOf(ZIP_PROVIDERS)))
                .transform(CachedAdvice.of(adviceLoader)
                        .advice(providerMethod("newByteChannel", 3), CachedAdvice.nested(ProviderAdvice.class, "NewByteChannel"))
                        .advice(providerMethod("newFileChannel", 3), CachedAdvice.nested(ProviderAdvice.class, "NewFileChannel"))
                        .advice(providerMethod("newDirectoryStream", 2), CachedAdvice.nested(ProviderAdvice.class, "NewDirectoryStream"))
                        .advice(providerMethod("delete", 1).or(providerMethod("deleteIfExists", 1)),
                                CachedAdvice.nested(ProviderAdvice.class, "Delete"))
                        .advice(providerMethod("copy", 3).and(takesArgument(1, named("java.nio.file.Path"))),
                                CachedAdvice.nested(ProviderAdvice.class, "Copy"))
                        .advice(providerMethod("move", 3).and(takesArgument(1, named("java.nio.file.Path"))),
                                CachedAdvice.nested(ProviderAdvice.class, "Move"))
                        .advice(providerMethod("createDirectory", 2), CachedAdvice.nested(ProviderAdvice.class, "CreateDirectory"))
                        .advice(providerMethod("newInputStream", 2), CachedAdvice.nested(ProviderAdvice.class, "NewInputStream"))
                        .advice(providerMethod("newOutputStream", 2), CachedAdvice.nested(ProviderAdvice.class, "NewOutputStream"))
                        .advice(providerMethod("checkAccess", 2)
                                        .or(providerMethod("isReadable", 1))
                                        .or(providerMethod("isWritable", 1))
                                        .or(providerMethod("isExecutable", 1)),
                                CachedAdvice.nested(ProviderAdvice.class, "CheckAccess"))
                        .advice(providerMethod("exists", 1).or(providerMethod("exists", 2)),
                                CachedAdvice.nested(ProviderAdvice.class, "Exists"))
                        .advice(providerMethod("readAttributes", 3)
                                        .or(providerMethod("readAttributesIfExists", 3))
                                        .or(providerMethod("isDirectory", 1))
                                        .or(providerMethod("isRegularFile", 1)),
                                CachedAdvice.nested(ProviderAdvice.class, "ReadAttributes"))
                        .advice(providerMethod("getFileAttributeView", 3), CachedAdvice.nested(ProviderAdvice.class, "GetFileAttributeView"))
                        .advice(providerMethod("setAttribute", 4), CachedAdvice.nested(ProviderAdvice.class, "SetAttribute"))
                        .advice(providerMethod("isHidden", 1), CachedAdvice.nested(ProviderAdvice.class, "IsHidden"))
                        .advice(providerMethod("createLink", 2).and(takesArgument(1, named("java.nio.file.Path"))),
                                CachedAdvice.nested(ProviderAdvice.class, "CreateLink"))
                        .advice(providerMethod("createSymbolicLink", 3).and(takesArgument(1, named("java.nio.file.Path"))),
                                CachedAdvice.nested(ProviderAdvice.class, "CreateSymbolicLink"))
                        .advice(providerMethod("readSymbolicLink", 1), CachedAdvice.nested(ProviderAdvice.class, "ReadSymbolicLink")))
                .type(namedOneOf(JDK_PATHS))
                .transform(CachedAdvice.of(adviceLoader)
                        .advice(isMethod().and(not(isAbstract())).and(named("normalize")).and(takesArguments(0))
                                        .or(isMethod().and(not(isAbstract())).and(named("toRealPath")).and(takesArguments(1))),
                                CachedAdvice.nested(NormalizeAdvice.class, "Normalized")))
                .type(namedOneOf(JDK_FILE_SYSTEMS))
                .transform(CachedAdvice.of(adviceLoader)
                        .advice(isMethod().and(not(isAbstract())).and(named("getPath")).and(takesArguments(2))
                                        .and(takesArgument(0, String.class)).and(takesArgument(1, String[].class)),
                                CachedAdvice.nested(NormalizeAdvice.class, "GetPath")));
    }
}
