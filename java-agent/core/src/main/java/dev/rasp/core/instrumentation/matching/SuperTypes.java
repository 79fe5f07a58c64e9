package dev.rasp.core.instrumentation.matching;

/**
 * Where the direct super types of a type named in a class come from: the class loader that defines
 * the class, read without loading anything ({@code TypeHierarchy}), or the loaded classes.
 */
public interface SuperTypes {

    /**
     * The internal names of the type's superclass (first, when it has one) and interfaces, or null
     * when the type's class file cannot be had.
     */
    String[] of(String internalName);

    /** A class file's direct super types as {@link #of} returns them: the superclass first, then the interfaces. */
    static String[] names(String superName, String[] interfaces) {
        if (superName == null) {
            return interfaces;
        }
        String[] all = new String[interfaces.length + 1];
        all[0] = superName;
        System.arraycopy(interfaces, 0, all, 1, interfaces.length);
        return all;
    }

    /** A loaded class's direct super types as {@link #of} returns them (nothing is loaded: they are). */
    static String[] names(Class<?> type) {
        Class<?> superclass = type.getSuperclass();
        Class<?>[] interfaces = type.getInterfaces();
        int offset = superclass == null ? 0 : 1;
        String[] supers = new String[interfaces.length + offset];
        if (superclass != null) {
            supers[0] = superclass.getName().replace('.', '/');
        }
        for (int i = 0; i < interfaces.length; i++) {
            supers[i + offset] = interfaces[i].getName().replace('.', '/');
        }
        return supers;
    }
}
