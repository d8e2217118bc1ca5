package dev.pkauth;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A surface still moving: it works and is tested like the rest, but may change incompatibly in a
 * minor release (more than the rest may before 1.0). Marked: the self-service keys endpoints and
 * their mounts, the leak endpoints, usage limits, and linked accounts. What is not marked changes
 * only with a note in the changelog and a deprecation first where that is possible.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.CONSTRUCTOR, ElementType.PACKAGE})
public @interface Beta {}
