package dev.rasp.core.instrumentation.servlet;

import dev.rasp.core.ServletTypes;
import dev.rasp.core.engine.RequestEncoder;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Enumeration;

/**
 * Reads an HttpServletRequest (javax or jakarta) through its interface's Methods, resolved once
 * per request class. Requests that are not HTTP get no accessor: they are not tracked.
 */
public final class HttpRequestAccess {

    private static final HttpRequestAccess NOT_HTTP = new HttpRequestAccess();

    private static final ClassValue<HttpRequestAccess> BY_CLASS = new ClassValue<HttpRequestAccess>() {
        @Override
        protected HttpRequestAccess computeValue(Class<?> type) {
            Class<?> api = ServletTypes.findInterface(type, "servlet.http.HttpServletRequest");
            if (api == null) {
                return NOT_HTTP;
            }
            try {
                return new HttpRequestAccess(api);
            } catch (NoSuchMethodException e) {
                return NOT_HTTP;
            }
        }
    };

    private final Method getMethod;
    private final Method getRequestUri;
    private final Method getQueryString;
    private final Method getRemoteAddr;
    private final Method getContentType;
    private final Method getHeaderNames;
    private final Method getHeaders;
    /** Servlet 3.0+; null on older containers. */
    private final Method isAsyncStarted;
    private final Method getAsyncContext;

    private HttpRequestAccess() {
        getMethod = getRequestUri = getQueryString = getRemoteAddr = getContentType = getHeaderNames = getHeaders = null;
        isAsyncStarted = getAsyncContext = null;
    }

    private HttpRequestAccess(Class<?> api) throws NoSuchMethodException {
        getMethod = api.getMethod("getMethod");
        getRequestUri = api.getMethod("getRequestURI");
        getQueryString = api.getMethod("getQueryString");
        getRemoteAddr = api.getMethod("getRemoteAddr");
        getContentType = api.getMethod("getContentType");
        getHeaderNames = api.getMethod("getHeaderNames");
        getHeaders = api.getMethod("getHeaders", String.class);
        isAsyncStarted = optional(api, "isAsyncStarted");
        getAsyncContext = optional(api, "getAsyncContext");
    }

    private static Method optional(Class<?> api, String name) {
        try {
            return api.getMethod(name);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** The request's AsyncContext when it is in async mode (startAsync was called), else null. */
    public Object asyncContextIfStarted(Object request) throws Exception {
        if (isAsyncStarted == null || getAsyncContext == null || !Boolean.TRUE.equals(call(isAsyncStarted, request))) {
            return null;
        }
        return call(getAsyncContext, request);
    }

    /** Null when the object is not an HTTP servlet request. */
    public static HttpRequestAccess of(Object request) {
        if (request == null) {
            return null;
        }
        HttpRequestAccess a = BY_CLASS.get(request.getClass());
        return a == NOT_HTTP ? null : a;
    }

    public String contentType(Object request) throws Exception {
        return (String) call(getContentType, request);
    }

    /**
     * Whether the body is sent content-coded (a Content-Encoding other than identity: gzip, deflate, br): the
     * bytes the agent keeps are then not the text the application parses after decoding them.
     */
    public boolean bodyEncoded(Object request) throws Exception {
        java.util.Enumeration<?> values = (java.util.Enumeration<?>) call(getHeaders, request, "Content-Encoding");
        while (values != null && values.hasMoreElements()) {
            Object v = values.nextElement();
            for (String coding : String.valueOf(v).split(",")) {
                String c = coding.trim();
                if (!c.isEmpty() && !c.equalsIgnoreCase("identity")) {
                    return true;
                }
            }
        }
        return false;
    }

    public String method(Object request) throws Exception {
        return (String) call(getMethod, request);
    }

    /** The raw, undecoded request URI (getRequestURI). */
    public String requestUri(Object request) throws Exception {
        return (String) call(getRequestUri, request);
    }

    /**
     * Encodes the request for openContext (contract: every value of every header). Returns the
     * raw query string it sent (null when there is none).
     */
    public String encode(Object request, String contentType, RequestEncoder out) throws Exception {
        String query = (String) call(getQueryString, request);
        out.start((String) call(getMethod, request), (String) call(getRequestUri, request),
                query, (String) call(getRemoteAddr, request), contentType);
        Enumeration<?> names = (Enumeration<?>) call(getHeaderNames, request);
        if (names == null) {
            return query; // the container forbids header access
        }
        while (names.hasMoreElements()) {
            String name = String.valueOf(names.nextElement());
            Enumeration<?> values = (Enumeration<?>) call(getHeaders, request, name);
            if (values == null) {
                continue;
            }
            while (values.hasMoreElements()) {
                Object v = values.nextElement();
                out.header(name, v == null ? "" : v.toString());
            }
        }
        return query;
    }

    private static final Object[] NO_ARGS = new Object[0];

    private static Object call(Method m, Object target) throws Exception {
        return call(m, target, NO_ARGS);
    }

    private static Object call(Method m, Object target, Object arg) throws Exception {
        return call(m, target, new Object[] {arg});
    }

    private static Object call(Method m, Object target, Object[] args) throws Exception {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw cause instanceof Exception ? (Exception) cause : e;
        }
    }
}
