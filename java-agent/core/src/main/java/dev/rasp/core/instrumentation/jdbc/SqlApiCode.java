package dev.rasp.core.instrumentation.jdbc;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Advice parameter bound to the constant {@link SqlApi#code} of the method being instrumented
 * (Advice.withCustomMapping), so one advice class serves every JDBC method.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface SqlApiCode {
}
