package dev.rasp.core.instrumentation;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Whether a class loader resolves the bridge the woven advice calls to the agent's own bridge.
 *
 * <p>Why: woven advice calls {@code dev.rasp.bootstrap.RaspBridge}, defined in the boot loader,
 * and nearly every loader delegates to it. Some do not: JBoss Modules (WildFly) delegates only
 * the packages named in {@code jboss.modules.system.pkgs}, an OSGi framework only those in
 * {@code org.osgi.framework.bootdelegation}. A class of such a loader, woven, would throw
 * {@code NoClassDefFoundError} at every hooked call: a JDBC driver in a WildFly module would fail
 * every statement. So such classes are left as they were, and each is reported (counted, the
 * first logged) with the setting that lets the agent in.
 *
 * <p>Asked at class-definition time only, once per loader; the answer is kept while the loader
 * lives (weakly), behind a lock no request thread takes.
 */
final class BridgeVisibility {

    private final Class<?> bridge;
    private final Map<ClassLoader, Boolean> seen = Collections.synchronizedMap(new WeakHashMap<ClassLoader, Boolean>());

    /** @param bridge the class the advice calls; null: every loader is taken to see it (tests, no bridge) */
    BridgeVisibility(Class<?> bridge) {
        this.bridge = bridge;
    }

    /** True when {@code loader} (null: the boot loader) resolves the bridge's name to the bridge itself. */
    boolean visibleFrom(ClassLoader loader) {
        if (bridge == null || loader == null || loader == bridge.getClassLoader()) {
            return true;
        }
        Boolean known = seen.get(loader);
        if (known != null) {
            return known;
        }
        boolean visible;
        try {
            visible = Class.forName(bridge.getName(), false, loader) == bridge;
        } catch (ClassNotFoundException | LinkageError e) {
            visible = false;
        }
        seen.put(loader, visible);
        return visible;
    }

    /** What the report of a class left as it was says. */
    IllegalStateException invisible(ClassLoader loader) {
        String pkg = bridge.getPackage() != null ? bridge.getPackage().getName() : "dev.rasp.bootstrap";
        return new IllegalStateException("not instrumented: its class loader " + loader + " does not delegate " + pkg
                + " to the boot loader, so the agent's hooks could not be called from it (WildFly: add " + pkg
                + " to -Djboss.modules.system.pkgs; OSGi: add " + pkg + ".* to org.osgi.framework.bootdelegation)");
    }
}
