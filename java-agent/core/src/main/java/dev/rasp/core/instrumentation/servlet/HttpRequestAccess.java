package dev.rasp.core.instrumentation.servlet;

import dev.rasp.core.AgentLog;
import dev.rasp.core.ServletTypes;
import dev.rasp.core.engine.RequestEncoder;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Enumeration;

/**
 * Reads an HttpServletRequest (javax or jakarta) through method handles on its interface's
 * methods, resolved once per request class. Requests that are not HTTP get no accessor: they are
 * not tracked.
 *
 * <p>Handles, not {@code Method.invoke}: a request that reaches a sink makes about ten of these
 * calls, and each reflective one paid for an argument array, the caller's access check (the
 * caller class looked up on the stack) and the accessor's indirection; under load that was a
 * third of a microsecond per request in the profile ({@code benches/load}).
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
            } catch (IllegalAccessException e) {
                // The servlet API's package is not exported to everyone (a named module that keeps
                // it to itself): Method.invoke could not call it either.
                AgentLog.info("requests of " + type.getName() + " cannot be read (" + e.getMessage()
                        + "): they are not protected");
                return NOT_HTTP;
            }
        }
    };

    /** Every handle takes the request as an Object and answers an Object. */
    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);
    private static final MethodType GETTER_OF_NAME = MethodType.methodType(Object.class, Object.class, String.class);

    private final MethodHandle getMethod;
    private final MethodHandle getRequestUri;
    private final MethodHandle getQueryString;
    private final MethodHandle getRemoteAddr;
    private final MethodHandle getContentType;
    private final MethodHandle getHeaderNames;
    private final MethodHandle getHeaders;
    /** Servlet 3.0+; null on older containers. */
    private final MethodHandle isAsyncStarted;
    private final MethodHandle getAsyncContext;

    private HttpRequestAccess() {
        getMethod = getRequestUri = getQueryString = getRemoteAddr = getContentType = getHeaderNames = getHeaders = null;
        isAsyncStarted = getAsyncContext = null;
    }

    private HttpRequestAccess(Class<?> api) throws NoSuchMethodException, IllegalAccessException {
        getMethod = getter(api.getMethod("getMethod"));
        getRequestUri = getter(api.getMethod("getRequestURI"));
        getQueryString = getter(api.getMethod("getQueryString"));
        getRemoteAddr = getter(api.getMethod("getRemoteAddr"));
        getContentType = getter(api.getMethod("getContentType"));
        getHeaderNames = getter(api.getMethod("getHeaderNames"));
        getHeaders = handle(api.getMethod("getHeaders", String.class), GETTER_OF_NAME);
        isAsyncStarted = optional(api, "isAsyncStarted");
        getAsyncContext = optional(api, "getAsyncContext");
    }

    private static MethodHandle getter(Method m) throws IllegalAccessException {
        return handle(m, GETTER);
    }

    private static MethodHandle handle(Method m, MethodType type) throws IllegalAccessException {
        return MethodHandles.publicLookup().unreflect(m).asType(type);
    }

    private static MethodHandle optional(Class<?> api, String name) throws IllegalAccessException {
        try {
            return getter(api.getMethod(name));
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

    private static Object call(MethodHandle getter, Object request) throws Exception {
        try {
            return getter.invokeExact(request);
        } catch (Exception | Error e) {
            throw e; // the container's own, as it threw it
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static Object call(MethodHandle getterOfName, Object request, String name) throws Exception {
        try {
            return getterOfName.invokeExact(request, name);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
