package dev.rasp.core.instrumentation;

import org.junit.jupiter.api.Test;

import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** Which method the hooks call on a library object, and that it is found once per class. */
class ApiMethodsTest {

    /** A public API type, as a library's interface. */
    public interface Request {
        String url();
    }

    /** Not public, as a library's implementation class: its own url() cannot be called from another package. */
    private static final class RealRequest implements Request, Callable<String> {
        @Override
        public String url() {
            return "http://example.test/";
        }

        @Override
        public String call() {
            return "called";
        }

        public String hidden() {
            return "only on the non-public class";
        }
    }

    @Test
    void aMethodOfANonPublicClassIsTakenFromThePublicTypeThatDeclaresIt() throws Exception {
        Object request = new RealRequest();
        java.lang.reflect.Method url = ApiMethods.publicMethod(request.getClass(), "url");
        assertNotNull(url);
        assertEquals(Request.class, url.getDeclaringClass(), "the interface's method, callable on any instance");
        assertEquals("http://example.test/", ApiMethods.call(url, request));
        assertEquals("called", ApiMethods.call(ApiMethods.publicMethod(request.getClass(), "call"), request));
        assertNull(ApiMethods.publicMethod(request.getClass(), "hidden"), "declared by no public type: not callable");
        assertNull(ApiMethods.publicMethod(request.getClass(), "missing"));
    }

    @Test
    void anInterfaceMethodIsFoundByTheInterfaceName() {
        java.lang.reflect.Method call = ApiMethods.ofInterface(RealRequest.class, Callable.class.getName(), "call");
        assertNotNull(call);
        assertEquals(Callable.class, call.getDeclaringClass());
        assertNull(ApiMethods.ofInterface(RealRequest.class, Runnable.class.getName(), "run"), "not implemented");
        assertNull(ApiMethods.ofInterface(RealRequest.class, Callable.class.getName(), "missing"));
    }

    @Test
    void eachAnswerIsFoundOncePerClass() {
        assertSame(ApiMethods.publicMethod(RealRequest.class, "url"), ApiMethods.publicMethod(RealRequest.class, "url"));
        assertSame(ApiMethods.ofInterface(RealRequest.class, Callable.class.getName(), "call"),
                ApiMethods.ofInterface(RealRequest.class, Callable.class.getName(), "call"));
    }
}
