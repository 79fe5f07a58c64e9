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
}
