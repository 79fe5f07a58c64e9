package dev.rasp.core.engine;

/** Test access to package-private helpers. */
public final class NativeLibraryLoaderAccess {
    private NativeLibraryLoaderAccess() {
    }

    public static String resourceFor(String os, String arch) {
        return NativeLibraryLoader.resourceFor(os, arch);
    }
}
