package dev.rasp.core.instrumentation.file;

/**
 * PathApi codes of the native contract (docs/native-boundary.md). Compile-time constants, so
 * advice inlined into JDK classes carries the number, never a reference to this class.
 */
public final class PathApi {

    public static final int FILE_INPUT_STREAM = 0;
    public static final int FILE_OUTPUT_STREAM = 1;
    public static final int RANDOM_ACCESS_FILE = 2;
    public static final int FILE_DELETE = 3;
    public static final int FILE_LIST = 4;
    public static final int FILE_RENAME_TO = 5;
    public static final int FILE_MKDIR = 6;
    public static final int FILE_CREATE_NEW_FILE = 7;
    public static final int NEW_BYTE_CHANNEL = 8;
    public static final int NEW_FILE_CHANNEL = 9;
    public static final int NEW_DIRECTORY_STREAM = 10;
    public static final int DELETE = 11;
    public static final int COPY = 12;
    public static final int MOVE = 13;
    public static final int CREATE_DIRECTORY = 14;
    public static final int NEW_INPUT_STREAM = 15;
    public static final int NEW_OUTPUT_STREAM = 16;

    private PathApi() {
    }
}
