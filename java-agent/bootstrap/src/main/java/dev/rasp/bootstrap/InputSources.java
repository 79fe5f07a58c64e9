package dev.rasp.bootstrap;

/**
 * Source codes of captured inputs, as the engine's input record has them
 * (docs/native-boundary.md, "Input record encoding"). The names are what events and exclusion
 * selectors call them.
 */
public final class InputSources {

    private InputSources() {
    }

    public static final int QUERY = 0;
    public static final int FORM = 1;
    public static final int JSON = 2;
    public static final int BODY = 3;
    public static final int HEADER = 4;
    public static final int COOKIE = 5;
    public static final int PATH = 6;
    public static final int MULTIPART = 7;
    public static final int XML = 8;
    public static final int WEBSOCKET = 9;
    public static final int ZIP_ENTRY = 10;
    /** getParameter*: the container merged query and form. */
    public static final int PARAMETER = 11;
}
