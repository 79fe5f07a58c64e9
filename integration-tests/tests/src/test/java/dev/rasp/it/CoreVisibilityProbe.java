package dev.rasp.it;

/**
 * The main of a JVM started with -javaagent:rasp.jar by {@link AgentIsolationIT}: prints what its
 * application class loader, which has rasp.jar on its class path, can see of the agent.
 */
public final class CoreVisibilityProbe {

    private CoreVisibilityProbe() {}

    public static void main(String[] args) {
        ClassLoader app = CoreVisibilityProbe.class.getClassLoader();
        for (String name : args) {
            if (name.endsWith(".class") || name.contains("/")) {
                System.out.println("resource " + name + " " + (app.getResource(name) != null ? "FOUND " + app.getResource(name) : "absent"));
                continue;
            }
            try {
                Class<?> c = Class.forName(name, false, app);
                System.out.println("class " + name + " FOUND in " + (c.getClassLoader() == null ? "the boot loader" : c.getClassLoader()));
            } catch (ClassNotFoundException e) {
                System.out.println("class " + name + " absent");
            }
        }
    }
}
