package dev.rasp.core.instrumentation.deser;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Inlined at the (normal) exit of XStream's {@code CachingMapper.realClass(String)}: the class a document's
 * element or attribute resolved to, before the converter creates or fills an object of it; and of
 * {@code JavaClassConverter.fromString(String)}: a class literal of the document.
 */
public final class XStreamClassAdvice {

    private XStreamClassAdvice() {
    }

    // Not suppressing: RaspBlockedException must stop the document.
    @Advice.OnMethodExit
    public static void exit(@Advice.Return Object resolved) {
        RaspBridge.onClassDescriptor(RaspHooks.CLASS_XSTREAM, resolved);
    }
}
