package dev.rasp.core.instrumentation.servlet;

import java.util.Locale;

/** Which request bodies the agent keeps: the ones the engine can parse into inputs. */
public final class BodyCapture {

    private BodyCapture() {
    }

    /** application/json, any +json type, application/x-www-form-urlencoded, text/plain. */
    public static boolean wanted(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json")
                || media.equals("application/x-www-form-urlencoded")
                || media.equals("text/plain")
                || (media.endsWith("+json") && media.indexOf('/') > 0);
    }
}
