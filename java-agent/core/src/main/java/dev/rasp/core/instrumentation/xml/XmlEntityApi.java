package dev.rasp.core.instrumentation.xml;

/**
 * checkEntity api codes of the native contract (docs/native-boundary.md): which entity manager
 * set the entity up. Compile-time constants, bound into the advice as numbers.
 */
public final class XmlEntityApi {

    /** com.sun.org.apache.xerces.internal.impl.XMLEntityManager, the JDK's copy of Xerces (java.xml). */
    public static final int JDK_XERCES = 0;
    /** org.apache.xerces.impl.XMLEntityManager, an application's own xercesImpl. */
    public static final int APACHE_XERCES = 1;
    /** com.ctc.wstx.io.DefaultInputResolver.resolveEntity: Woodstox, the StAX parser Jackson's XML module brings. */
    public static final int WOODSTOX = 2;

    private XmlEntityApi() {
    }
}
