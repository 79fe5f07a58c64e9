package dev.rasp.core.instrumentation.jndi;

/** JndiApi codes (docs/native-boundary.md): which JNDI entry point a name came through. */
public final class JndiApi {

    private JndiApi() {
    }

    /** Any name operation of javax.naming.InitialContext and its subclasses. */
    public static final int INITIAL_CONTEXT = 0;
}
