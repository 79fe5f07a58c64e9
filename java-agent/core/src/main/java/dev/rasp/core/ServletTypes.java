package dev.rasp.core;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Finds a servlet API interface (javax or jakarta, by name) among the types an object's class
 * implements. The agent never links against either API: it calls the interface's public methods
 * reflectively, which works whatever class loader the container uses and even when the
 * implementing class is not public.
 */
public final class ServletTypes {

    private ServletTypes() {
    }

    /** The first implemented interface named {@code javax.<suffix>} or {@code jakarta.<suffix>}, or null. */
    public static Class<?> findInterface(Class<?> type, String suffix) {
        String javax = "javax." + suffix;
        String jakarta = "jakarta." + suffix;
        Deque<Class<?>> todo = new ArrayDeque<Class<?>>();
        Set<Class<?>> seen = new HashSet<Class<?>>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            todo.add(c);
        }
        while (!todo.isEmpty()) {
            Class<?> c = todo.poll();
            if (!seen.add(c)) {
                continue;
            }
            if (c.isInterface() && (c.getName().equals(javax) || c.getName().equals(jakarta))) {
                return c;
            }
            for (Class<?> i : c.getInterfaces()) {
                todo.add(i);
            }
        }
        return null;
    }
}
