package dev.rasp.core.instrumentation.servlet;

import dev.rasp.core.instrumentation.Transformations;
import dev.rasp.core.instrumentation.CachedAdvice;
import dev.rasp.core.instrumentation.InstrumentationModule;
import dev.rasp.core.instrumentation.TypeKeys;
import dev.rasp.core.instrumentation.matching.Matcher;
import dev.rasp.core.instrumentation.matching.MethodShape;
import dev.rasp.core.instrumentation.matching.TypeShape;

import java.nio.ByteBuffer;

import static dev.rasp.core.instrumentation.matching.Matchers.failSafe;
import static dev.rasp.core.instrumentation.matching.Matchers.hasSuperType;
import static dev.rasp.core.instrumentation.matching.Matchers.isAbstract;
import static dev.rasp.core.instrumentation.matching.Matchers.isInterface;
import static dev.rasp.core.instrumentation.matching.Matchers.isMethod;
import static dev.rasp.core.instrumentation.matching.Matchers.named;
import static dev.rasp.core.instrumentation.matching.Matchers.namedOneOf;
import static dev.rasp.core.instrumentation.matching.Matchers.not;
import static dev.rasp.core.instrumentation.matching.Matchers.returns;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArgument;
import static dev.rasp.core.instrumentation.matching.Matchers.takesArguments;

/**
 * The request lifecycle, the request body and AsyncContext.start, for javax.servlet and jakarta.servlet alike,
 * matched by name (neither API is needed to build or run the agent).
 *
 * <p>Abstract classes are included on purpose: HttpServlet.service and OncePerRequestFilter.doFilter
 * are implemented there, and advice goes into the class that declares the method body.
 */
public final class ServletInstrumentation implements InstrumentationModule {

    private static final String[] NAMESPACES = {"javax", "jakarta"};

    @Override
    public String name() {
        return "servlet";
    }

    @Override
    public void typeKeys(TypeKeys keys) {
        keys.names("javax.servlet.Filter", "jakarta.servlet.Filter", "javax.servlet.Servlet", "jakarta.servlet.Servlet",
                "javax.servlet.AsyncContext", "jakarta.servlet.AsyncContext",
                "javax.servlet.ServletInputStream", "jakarta.servlet.ServletInputStream",
                "org.apache.catalina.connector.CoyoteReader");
    }

    static Matcher<TypeShape> implementing(String suffix) {
        return not(isInterface()).and(failSafe(hasSuperType(namedOneOf("javax." + suffix, "jakarta." + suffix))));
    }

    /** doFilter(ServletRequest, ServletResponse, FilterChain) and service(ServletRequest, ServletResponse). */
    static Matcher<MethodShape> requestMethods(String name, int arity) {
        Matcher<MethodShape> any = null;
        for (String ns : NAMESPACES) {
            Matcher<MethodShape> m = isMethod().and(named(name)).and(not(isAbstract()))
                    .and(takesArguments(arity))
                    .and(takesArgument(0, named(ns + ".servlet.ServletRequest")))
                    .and(takesArgument(1, named(ns + ".servlet.ServletResponse")));
            any = any == null ? m : any.or(m);
        }
        return any;
    }

    private static Matcher<MethodShape> concrete(String name) {
        return isMethod().and(named(name)).and(not(isAbstract()));
    }

    @Override
    public Transformations extend(Transformations builder, ClassLoader adviceLoader) {
        String request = RequestAdvice.class.getName();
        return builder
                .type(implementing("servlet.Filter"))
                .transform(advice(adviceLoader).advice(requestMethods("doFilter", 3), request))
                .type(implementing("servlet.Servlet"))
                .transform(advice(adviceLoader).advice(requestMethods("service", 2), request))
                .type(implementing("servlet.AsyncContext"))
                .transform(advice(adviceLoader)
                        .advice(concrete("start").and(takesArguments(Runnable.class)), AsyncStartAdvice.class.getName()))
                .type(implementing("servlet.ServletInputStream"))
                .transform(advice(adviceLoader)
                        .advice(concrete("read").and(takesArguments(byte[].class, int.class, int.class)),
                                CachedAdvice.nested(BodyAdvice.class, "ReadBytes"))
                        .advice(concrete("readLine").and(takesArguments(byte[].class, int.class, int.class)),
                                CachedAdvice.nested(BodyAdvice.class, "ReadBytes"))
                        .advice(concrete("read").and(takesArguments(byte[].class)), CachedAdvice.nested(BodyAdvice.class, "ReadByteArray"))
                        .advice(concrete("read").and(takesArguments(0)).and(returns(int.class)),
                                CachedAdvice.nested(BodyAdvice.class, "ReadByte"))
                        .advice(concrete("read").and(takesArguments(ByteBuffer.class)).and(returns(int.class)),
                                CachedAdvice.nested(BodyAdvice.class, "ReadBuffer")))
                // Tomcat's getReader() decodes from its input buffer without going through its
                // ServletInputStream, so its Reader is instrumented itself. (Jetty and Undertow
                // readers wrap their ServletInputStream, which is already covered.)
                .type(named("org.apache.catalina.connector.CoyoteReader"))
                .transform(advice(adviceLoader)
                        .advice(concrete("read").and(takesArguments(char[].class, int.class, int.class)),
                                CachedAdvice.nested(BodyAdvice.class, "ReadChars"))
                        .advice(concrete("read").and(takesArguments(char[].class)), CachedAdvice.nested(BodyAdvice.class, "ReadCharArray"))
                        .advice(concrete("read").and(takesArguments(0)), CachedAdvice.nested(BodyAdvice.class, "ReadChar"))
                        .advice(concrete("readLine").and(takesArguments(0)), CachedAdvice.nested(BodyAdvice.class, "ReadLine")));
    }

    private static CachedAdvice advice(ClassLoader adviceLoader) {
        return CachedAdvice.of(adviceLoader);
    }
}
