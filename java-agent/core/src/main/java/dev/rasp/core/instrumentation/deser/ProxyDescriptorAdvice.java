package dev.rasp.core.instrumentation.deser;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Inlined at the start of {@code ObjectStreamClass.initProxy(Class<?> cl, ...)}: {@code cl} is
 * the proxy class resolveProxyClass made (null when it failed, and then no proxy is created).
 */
public final class ProxyDescriptorAdvice {

    private ProxyDescriptorAdvice() {
    }

    // Not suppressing: RaspBlockedException must stop the stream.
    @Advice.OnMethodEnter
    public static void enter(@Advice.Argument(0) Class<?> proxyClass) {
        RaspBridge.onClassDescriptor(RaspHooks.CLASS_PROXY, proxyClass);
    }
}
