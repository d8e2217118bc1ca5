package dev.pkauth.internal.engine;

/**
 * Who a management call is made by, as the audit log records it.
 *
 * @param name what the audit log records: {@code application}, {@code cli:alice}, {@code user:42}
 * @param keyHolder whether it is a key holder acting on their own keys: what it disables, only it
 *     and an operator may enable, and it cannot lift an operator's suspension
 */
public record Actor(String name, boolean keyHolder) {
    /** The store itself, when nobody else is named. */
    public static final Actor APPLICATION = new Actor("application", false);
}
