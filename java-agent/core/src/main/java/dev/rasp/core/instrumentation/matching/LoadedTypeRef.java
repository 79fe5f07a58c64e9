package dev.rasp.core.instrumentation.matching;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;

/** A loaded type named in a class described by reflection: its super types are the loaded classes'. */
class LoadedTypeRef implements TypeRef {

    final Class<?> type;

    LoadedTypeRef(Class<?> type) {
        this.type = type;
    }

    @Override
    public String name() {
        return type.getName();
    }

    @Override
    public boolean hasSuperType(Matcher<? super Named> matcher) {
        ArrayDeque<Class<?>> queue = new ArrayDeque<Class<?>>();
        Set<Class<?>> seen = new HashSet<Class<?>>();
        queue.add(type);
        while (!queue.isEmpty()) {
            Class<?> next = queue.poll();
            if (!seen.add(next)) {
                continue;
            }
            if (matcher.matches(new Matchers.TypeName(next.getName()))) {
                return true;
            }
            if (next.getSuperclass() != null) {
                queue.add(next.getSuperclass());
            }
            Collections.addAll(queue, next.getInterfaces());
        }
        return false;
    }
}
