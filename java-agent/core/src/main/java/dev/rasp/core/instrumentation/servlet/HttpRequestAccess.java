package dev.rasp.core.instrumentation.servlet;

import dev.rasp.core.ServletTypes;
import dev.rasp.core.engine.RequestEncoder;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Enumeration;

/**
 * Reads an HttpServletRequest (javax or jakarta) through its interface's methods, resolved once
 * per request class into MethodHandles of erased type: a call is one invokeExact, without
 * Method.invoke's access check, argument array and InvocationTargetException wrapping (the
 * profile of a trivial endpoint had a third of the agent's Java samples in those calls).
 * Requests that are not HTTP get no accessor: they are not tracked.
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

    /** (Object)Object: the request, the getter's result. */
    private static final MethodType GETTER = MethodType.methodType(Object.class, Object.class);
    /** (Object, Object)Object: the request, a String argument, the result. */
    private static final MethodType GETTER_1 = MethodType.methodType(Object.class, Object.class, Object.class);

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

    private HttpRequestAccess(Class<?> api) throws NoSuchMethodException {
        getMethod = handle(api.getMethod("getMethod"));
        getRequestUri = handle(api.getMethod("getRequestURI"));
        getQueryString = handle(api.getMethod("getQueryString"));
        getRemoteAddr = handle(api.getMethod("getRemoteAddr"));
        getContentType = handle(api.getMethod("getContentType"));
        getHeaderNames = handle(api.getMethod("getHeaderNames"));
        getHeaders = handle(api.getMethod("getHeaders", String.class));
        isAsyncStarted = optional(api, "isAsyncStarted");
        getAsyncContext = optional(api, "getAsyncContext");
    }

    private static MethodHandle optional(Class<?> api, String name) {
        try {
            return handle(api.getMethod(name));
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** The interface method as an erased handle; a method the agent may not see counts as absent. */
    private static MethodHandle handle(Method m) throws NoSuchMethodException {
        MethodType erased = m.getParameterCount() == 0 ? GETTER : GETTER_1;
        try {
            return MethodHandles.publicLookup().unreflect(m).asType(erased);
        } catch (IllegalAccessException | RuntimeException e) {
            // the agent's own lookup: the same access Method.invoke from here had
        }
        try {
            return MethodHandles.lookup().unreflect(m).asType(erased);
        } catch (IllegalAccessException | RuntimeException e) {
            NoSuchMethodException n = new NoSuchMethodException(m.toString());
            n.initCause(e);
            throw n;
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

    // The container's exceptions and errors pass as they are, as they did out of Method.invoke's
    // InvocationTargetException; a checked Throwable that is neither is wrapped.

    private static Object call(MethodHandle m, Object target) throws Exception {
        try {
            return (Object) m.invokeExact(target);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new Exception(t);
        }
    }

    private static Object call(MethodHandle m, Object target, Object arg) throws Exception {
        try {
            return (Object) m.invokeExact(target, arg);
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new Exception(t);
        }
    }
}
