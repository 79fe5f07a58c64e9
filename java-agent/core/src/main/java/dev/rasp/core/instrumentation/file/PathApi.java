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
    // java.io.File metadata (PathOp METADATA)
    public static final int FILE_EXISTS = 17;
    public static final int FILE_IS_FILE = 18;
    public static final int FILE_IS_DIRECTORY = 19;
    public static final int FILE_LENGTH = 20;
    public static final int FILE_LAST_MODIFIED = 21;
    public static final int FILE_CAN_READ = 22;
    public static final int FILE_CAN_WRITE = 23;
    public static final int FILE_CAN_EXECUTE = 24;
    public static final int FILE_IS_HIDDEN = 25;
    public static final int FILE_SET_READABLE = 26;
    public static final int FILE_SET_WRITABLE = 27;
    public static final int FILE_SET_EXECUTABLE = 28;
    public static final int FILE_SET_LAST_MODIFIED = 29;
    public static final int FILE_SET_READ_ONLY = 30;
    // FileSystemProvider metadata (METADATA) and links (LINK)
    public static final int CHECK_ACCESS = 31;
    public static final int EXISTS = 32;
    public static final int READ_ATTRIBUTES = 33;
    public static final int GET_FILE_ATTRIBUTE_VIEW = 34;
    public static final int SET_ATTRIBUTE = 35;
    public static final int IS_HIDDEN = 36;
    public static final int CREATE_LINK = 37;
    public static final int CREATE_SYMBOLIC_LINK = 38;
    public static final int READ_SYMBOLIC_LINK = 39;
    /** sun.net.www.protocol.file.FileURLConnection.connect: a file: URL opened (READ). */
    public static final int FILE_URL_CONNECT = 40;

    private PathApi() {
    }
}
