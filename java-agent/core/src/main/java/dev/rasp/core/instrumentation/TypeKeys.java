package dev.rasp.core.instrumentation;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a class must show for any module's type matcher to possibly match it: the cheap test the
 * agent runs on every class before the type matchers (see {@link TypePrefilter}). Each module
 * declares here every type its {@code .type(...)} matchers name, whether by the class's own name
 * ({@code named}) or through its hierarchy ({@code hasSuperType}), and any class file text its
 * other type matchers depend on ({@code declaresMethod}). A class that shows none of them is not
 * looked at by the type matchers at all, so a key left out here is a hook that never happens: the keys
 * are a superset, never a guess.
 */
public final class TypeKeys {

    private final Set<String> names = new HashSet<String>();
    private final List<String[]> nameShapes = new ArrayList<String[]>();
    private final List<byte[]> constants = new ArrayList<byte[]>();

    /**
     * A class is a candidate when it or any of its super types (superclasses and interfaces,
     * transitively) has one of these binary names ({@code a.b.C$D}).
     */
    public TypeKeys names(String... typeNames) {
        Collections.addAll(names, typeNames);
        return this;
    }

    /** A class is a candidate when its own binary name starts with prefix and ends with suffix. */
    public TypeKeys nameShape(String prefix, String suffix) {
        nameShapes.add(new String[] {prefix, suffix});
        return this;
    }

    /**
     * A class is a candidate when its constant pool holds this exact string: the descriptor of a
     * method a matcher looks for ({@code (Ljava/lang/String;)Ljava/sql/ResultSet;} for
     * {@code declaresMethod(named("executeQuery").and(takesArguments(String.class)).and(returns(ResultSet)))})
     * or of an annotation type ({@code Ljavax/websocket/OnMessage;} for a member annotated with
     * it). Every declared member's descriptor and every annotation's type are constant pool
     * strings of their own. ASCII only.
     */
    public TypeKeys constant(String utf8) {
        constants.add(utf8.getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    Set<String> names() {
        return names;
    }

    List<String[]> nameShapes() {
        return nameShapes;
    }

    List<byte[]> constants() {
        return constants;
    }
}
