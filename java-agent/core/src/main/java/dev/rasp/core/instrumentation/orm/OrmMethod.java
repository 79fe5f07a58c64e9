package dev.rasp.core.instrumentation.orm;

/**
 * The hooked ORM methods that take query text, by name. The advice passes the kind; the core maps
 * it and the receiver's class to a SqlApi code of the native contract ({@link OrmApis}).
 */
public enum OrmMethod {
    CREATE_QUERY(0, "createQuery", false),
    CREATE_NATIVE_QUERY(1, "createNativeQuery", true),
    CREATE_SELECTION_QUERY(2, "createSelectionQuery", false),
    CREATE_MUTATION_QUERY(3, "createMutationQuery", false),
    CREATE_NATIVE_MUTATION_QUERY(4, "createNativeMutationQuery", true);

    public final int kind;
    public final String methodName;
    /** The text is SQL for the database (else JPQL/HQL). */
    public final boolean nativeSql;

    OrmMethod(int kind, String methodName, boolean nativeSql) {
        this.kind = kind;
        this.methodName = methodName;
        this.nativeSql = nativeSql;
    }

    /** The method of a kind, or null for an unknown one. */
    public static OrmMethod of(int kind) {
        OrmMethod[] all = values();
        return kind >= 0 && kind < all.length ? all[kind] : null;
    }
}
