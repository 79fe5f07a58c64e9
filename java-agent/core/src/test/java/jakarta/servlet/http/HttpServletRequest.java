package jakarta.servlet.http;

import java.util.Enumeration;

/**
 * The part of the Servlet API's interface HttpRequestAccess reads (it finds the interface by
 * name); test only, never on the agent's class path.
 */
public interface HttpServletRequest {
    String getMethod();

    String getRequestURI();

    String getQueryString();

    String getRemoteAddr();

    String getContentType();

    Enumeration<String> getHeaderNames();

    Enumeration<String> getHeaders(String name);

    boolean isAsyncStarted();

    Object getAsyncContext();
}
