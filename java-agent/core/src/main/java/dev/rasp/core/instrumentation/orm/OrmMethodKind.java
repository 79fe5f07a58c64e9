package dev.rasp.core.instrumentation.orm;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Advice parameter bound to the constant {@link OrmMethod#kind} of the method being instrumented
 * (Advice.withCustomMapping), so one advice class serves every ORM method.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface OrmMethodKind {
}
