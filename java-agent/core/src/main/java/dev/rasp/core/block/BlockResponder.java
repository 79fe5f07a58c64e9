package dev.rasp.core.block;

import dev.rasp.core.ServletTypes;

import java.io.OutputStream;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;

/**
 * Writes the 403 answer of a blocked request on the container's HttpServletResponse (javax or
 * jakarta, called reflectively) and closes it, so whatever the application writes afterwards is
 * lost. Called on the request's serving thread, or on a task of an async request once the
 * serving thread has left it.
 */
public final class BlockResponder {

    public static final int STATUS = 403;
    public static final String CONTENT_TYPE = "application/json";

    private static final ResponseAccess NOT_HTTP = new ResponseAccess();

    private static final ClassValue<ResponseAccess> BY_CLASS = new ClassValue<ResponseAccess>() {
        @Override
        protected ResponseAccess computeValue(Class<?> type) {
            Class<?> api = ServletTypes.findInterface(type, "servlet.http.HttpServletResponse");
            if (api == null) {
                return NOT_HTTP;
            }
            try {
                return new ResponseAccess(api);
            } catch (NoSuchMethodException e) {
                return NOT_HTTP;
            }
        }
    };

    private BlockResponder() {
    }

    /** {@code {"blocked":true,"category":"sqli","rule":"<rule id>","event_id":"<id>"}} as UTF-8. */
    public static byte[] body(String category, String ruleId, String eventId) {
        StringBuilder sb = new StringBuilder(96);
        sb.append("{\"blocked\":true,\"category\":");
        jsonString(sb, category);
        sb.append(",\"rule\":");
        jsonString(sb, ruleId);
        sb.append(",\"event_id\":");
        jsonString(sb, eventId);
        sb.append('}');
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    static void jsonString(StringBuilder sb, String s) {
        sb.append('"');
        if (s != null) {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"': sb.append("\\\""); break;
                    case '\\': sb.append("\\\\"); break;
                    case '\n': sb.append("\\n"); break;
                    case '\r': sb.append("\\r"); break;
                    case '\t': sb.append("\\t"); break;
                    default:
                        if (c < 0x20) {
                            sb.append(String.format("\\u%04x", (int) c));
                        } else {
                            sb.append(c);
                        }
                }
            }
        }
        sb.append('"');
    }

    /** Whether the response is already committed; true when it cannot be told (nothing to rewrite then). */
    public static boolean isCommitted(Object response) throws Exception {
        ResponseAccess a = response == null ? NOT_HTTP : BY_CLASS.get(response.getClass());
        return a == NOT_HTTP || (Boolean) call(a.isCommitted, response);
    }

    /**
     * Replaces the answer with the 403 when the response is not committed yet; in every case
     * closes the response's stream so the application cannot add to it.
     */
    public static void write(Object response, byte[] body) throws Exception {
        ResponseAccess a = response == null ? NOT_HTTP : BY_CLASS.get(response.getClass());
        if (a == NOT_HTTP) {
            return;
        }
        if (!(Boolean) call(a.isCommitted, response)) {
            call(a.reset, response);
            call(a.setStatus, response, STATUS);
            call(a.setContentType, response, CONTENT_TYPE);
            call(a.setContentLength, response, body.length);
            Object out = stream(a, response);
            if (out instanceof OutputStream) {
                OutputStream os = (OutputStream) out;
                os.write(body);
                call(a.flushBuffer, response);
                os.close();
            } else if (out instanceof Writer) {
                // the body is ASCII in practice (rule and event ids); a writer's charset cannot spoil it
                Writer w = (Writer) out;
                w.write(new String(body, StandardCharsets.UTF_8));
                w.flush();
                call(a.flushBuffer, response);
                w.close();
            }
            return;
        }
        // Too late to change the status: at least cut the answer off here.
        Object out = stream(a, response);
        if (out instanceof OutputStream) {
            ((OutputStream) out).close();
        } else if (out instanceof Writer) {
            ((Writer) out).close();
        }
    }

    private static final ClassValue<Method> ASYNC_COMPLETE = new ClassValue<Method>() {
        @Override
        protected Method computeValue(Class<?> type) {
            Class<?> api = ServletTypes.findInterface(type, "servlet.AsyncContext");
            try {
                return api == null ? null : api.getMethod("complete");
            } catch (NoSuchMethodException e) {
                return null;
            }
        }
    };

    /**
     * Ends an async request after its 403 was written (the task that met the block may have died
     * with the block exception, so nothing else would end it before the async timeout). Returns
     * false when the request was completed or dispatched already (by the application or its
     * framework): the container refuses a second complete() with IllegalStateException, which is
     * that answer, not an error.
     */
    public static boolean completeAsync(Object asyncContext) throws Exception {
        Method complete = asyncContext == null ? null : ASYNC_COMPLETE.get(asyncContext.getClass());
        if (complete == null) {
            return false;
        }
        try {
            call(complete, asyncContext);
            return true;
        } catch (IllegalStateException completedOrDispatched) {
            return false;
        }
    }

    /** getOutputStream(), or getWriter() when the application already took the writer. */
    private static Object stream(ResponseAccess a, Object response) throws Exception {
        try {
            return call(a.getOutputStream, response);
        } catch (IllegalStateException writerInUse) {
            return call(a.getWriter, response);
        }
    }

    private static Object call(Method m, Object target, Object... args) throws Exception {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ? (Exception) cause : e;
        }
    }

    private static final class ResponseAccess {
        final Method isCommitted;
        final Method reset;
        final Method setStatus;
        final Method setContentType;
        final Method setContentLength;
        final Method getOutputStream;
        final Method getWriter;
        final Method flushBuffer;

        ResponseAccess() {
            isCommitted = reset = setStatus = setContentType = setContentLength = getOutputStream = getWriter = flushBuffer = null;
        }

        ResponseAccess(Class<?> api) throws NoSuchMethodException {
            isCommitted = api.getMethod("isCommitted");
            reset = api.getMethod("reset");
            setStatus = api.getMethod("setStatus", int.class);
            setContentType = api.getMethod("setContentType", String.class);
            setContentLength = api.getMethod("setContentLength", int.class);
            getOutputStream = api.getMethod("getOutputStream");
            getWriter = api.getMethod("getWriter");
            flushBuffer = api.getMethod("flushBuffer");
        }
    }
}
