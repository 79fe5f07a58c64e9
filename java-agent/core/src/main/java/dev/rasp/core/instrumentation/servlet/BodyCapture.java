package dev.rasp.core.instrumentation.servlet;

import java.util.Locale;

/** Which request bodies the agent keeps: the ones the engine can parse into inputs. */
public final class BodyCapture {

    private BodyCapture() {
    }

    /**
     * application/json, any +json type, application/x-www-form-urlencoded, text/plain,
     * multipart/form-data (the engine takes part names, file names and text fields from it,
     * not file contents), and XML (application/xml, text/xml, any +xml type: the document whole,
     * whose DOCTYPE is what the XXE judgement looks for).
     */
    public static boolean wanted(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return media.equals("application/json")
                || media.equals("application/x-www-form-urlencoded")
                || media.equals("text/plain")
                || media.equals("multipart/form-data")
                || (media.endsWith("+json") && media.indexOf('/') > 0)
                || media.equals("application/xml")
                || media.equals("text/xml")
                || (media.endsWith("+xml") && media.indexOf('/') > 0);
    }
}
