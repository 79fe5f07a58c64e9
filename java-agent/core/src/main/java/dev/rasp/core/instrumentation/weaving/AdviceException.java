package dev.rasp.core.instrumentation.weaving;

/** Advice the weaver cannot apply: an unsupported advice shape, or a method it cannot be woven into. */
public final class AdviceException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    AdviceException(String message) {
        super(message);
    }
}
