package dev.rasp.core.instrumentation.deser;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.bootstrap.RaspHooks;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Inlined at the start of SnakeYAML's {@code Constructor.getClassForNode(Node)}, which turns a
 * global tag ({@code !!com.x.Y}) into the class the document then constructs: before the class
 * is loaded (SnakeYAML initialises it) and before its constructor or setters run.
 */
public final class YamlTagAdvice {

    private YamlTagAdvice() {
    }

    // Not suppressing: RaspBlockedException must stop the document.
    @Advice.OnMethodEnter
    public static void enter(@Advice.Argument(0) Object node) {
        RaspBridge.onClassDescriptor(RaspHooks.CLASS_YAML_TAG, node);
    }
}
