package dev.rasp.core.instrumentation.servlet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rasp.core.engine.RequestEncoder;
import jakarta.servlet.http.HttpServletRequest;

import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The request reads through the interface's handles: values, every header value, exceptions. */
class HttpRequestAccessTest {

    @Test
    void encodesTheRequestLineAndEveryHeaderValue() throws Exception {
        FakeRequest request = new FakeRequest();
        request.headers.put("Host", Collections.singletonList("localhost:8080"));
        request.headers.put("X-Many", Arrays.asList("a", "b\u00e9"));
        HttpRequestAccess http = HttpRequestAccess.of(request);

        RequestEncoder actual = new RequestEncoder(8);
        String query = http.encode(request, "text/plain", actual);

        RequestEncoder expected = new RequestEncoder()
            .start("GET", "/h2/users/by-name", "name=alice", "127.0.0.1", "text/plain")
            .header("Host", "localhost:8080").header("X-Many", "a").header("X-Many", "b\u00e9");
        assertEquals("name=alice", query);
        assertArrayEquals(expected.toByteArray(), actual.toByteArray());
        assertEquals("GET", http.method(request));
        assertEquals("/h2/users/by-name", http.requestUri(request));
        assertEquals("application/json", http.contentType(request));
        assertNull(http.asyncContextIfStarted(request));
        request.async = true;
        assertSame(request, http.asyncContextIfStarted(request));
    }

    @Test
    void contentCodingIsSeen() throws Exception {
        FakeRequest request = new FakeRequest();
        HttpRequestAccess http = HttpRequestAccess.of(request);
        request.headers.put("Content-Encoding", Collections.singletonList("identity"));
        assertEquals(false, http.bodyEncoded(request));
        request.headers.put("Content-Encoding", Collections.singletonList("identity, gzip"));
        assertTrue(http.bodyEncoded(request));
    }

    @Test
    void theContainersExceptionPassesAsItIs() {
        FakeRequest request = new FakeRequest();
        request.failure = new IllegalStateException("recycled");
        HttpRequestAccess http = HttpRequestAccess.of(request);
        assertSame(request.failure, assertThrows(IllegalStateException.class, () -> http.method(request)));
        assertSame(request.failure, assertThrows(IllegalStateException.class,
            () -> http.encode(request, null, new RequestEncoder())));
    }

    @Test
    void otherObjectsAreNotHttpRequests() {
        assertNull(HttpRequestAccess.of(new Object()));
        assertNull(HttpRequestAccess.of(null));
    }

    /** A container's request class: not public, as Tomcat's facade is not the interface. */
    static final class FakeRequest implements HttpServletRequest {
        final Map<String, List<String>> headers = new LinkedHashMap<String, List<String>>();
        RuntimeException failure;
        boolean async;

        private String check(String value) {
            if (failure != null) {
                throw failure;
            }
            return value;
        }

        @Override
        public String getMethod() {
            return check("GET");
        }

        @Override
        public String getRequestURI() {
            return check("/h2/users/by-name");
        }

        @Override
        public String getQueryString() {
            return check("name=alice");
        }

        @Override
        public String getRemoteAddr() {
            return check("127.0.0.1");
        }

        @Override
        public String getContentType() {
            return check("application/json");
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            return Collections.enumeration(headers.keySet());
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            List<String> values = headers.get(name);
            return values == null ? Collections.<String>emptyEnumeration() : Collections.enumeration(values);
        }

        @Override
        public boolean isAsyncStarted() {
            return async;
        }

        @Override
        public Object getAsyncContext() {
            return this;
        }
    }
}
