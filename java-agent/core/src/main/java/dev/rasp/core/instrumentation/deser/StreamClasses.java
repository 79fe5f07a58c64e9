package dev.rasp.core.instrumentation.deser;

import java.io.ObjectStreamClass;

/** The class names a descriptor asks the engine about. */
public final class StreamClasses {

    private StreamClasses() {
    }

    /**
     * A class descriptor: its name as the stream spells it. A proxy class: the names of its
     * interfaces (the proxy's own name is generated; its handler is an ordinary descriptor).
     */
    public static String[] names(Object descriptor) {
        if (descriptor instanceof ObjectStreamClass) {
            return new String[] {((ObjectStreamClass) descriptor).getName()};
        }
        if (descriptor instanceof Class) {
            Class<?>[] interfaces = ((Class<?>) descriptor).getInterfaces();
            String[] names = new String[interfaces.length];
            for (int i = 0; i < interfaces.length; i++) {
                names[i] = interfaces[i].getName();
            }
            return names;
        }
        return new String[0];
    }
}
