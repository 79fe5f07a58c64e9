package dev.rasp.it;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Paths;

/**
 * The main of a JVM started with -javaagent:rasp.jar by {@link SuperTypesPerLoaderIT}: two class loaders, like two
 * web applications, each over a directory of classes with the same names. Loads, in the order of its arguments
 * ({@code a:com.acme.db.Runner} is that class from the first directory, {@code b:...} from the second), each class
 * without initialising it, and prints what it loaded.
 */
public final class TwoLoadersProbe {

    private TwoLoadersProbe() {}

    public static void main(String[] args) throws Exception {
        ClassLoader parent = TwoLoadersProbe.class.getClassLoader();
        URLClassLoader a = new URLClassLoader(new URL[] {Paths.get(args[0]).toUri().toURL()}, parent);
        URLClassLoader b = new URLClassLoader(new URL[] {Paths.get(args[1]).toUri().toURL()}, parent);
        for (int i = 2; i < args.length; i++) {
            String[] which = args[i].split(":", 2);
            ClassLoader loader = which[0].equals("a") ? a : b;
            Class<?> c = Class.forName(which[1], false, loader);
            System.out.println("loaded " + args[i] + " " + (c.getClassLoader() == loader ? "from its loader" : "ELSEWHERE"));
        }
    }
}
