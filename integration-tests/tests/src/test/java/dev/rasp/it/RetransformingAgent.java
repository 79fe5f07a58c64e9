package dev.rasp.it;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;

/**
 * Another agent, as a tracer or a diagnostic tool is: attached at run time
 * ({@link RetransformedByAnotherAgentIT}), it registers a retransformation-capable transformer
 * that changes nothing and retransforms the loaded classes whose names start with one of the
 * given prefixes, one by one. Writes "{@code retransformed failed}" to the result file when done.
 *
 * <p>Arguments: {@code resultFile|prefix,prefix,...}.
 */
public final class RetransformingAgent implements ClassFileTransformer {

    public static void agentmain(String args, Instrumentation instrumentation) throws Exception {
        String[] parts = args.split("\\|", 2);
        String[] prefixes = parts[1].split(",");
        instrumentation.addTransformer(new RetransformingAgent(), true);
        int retransformed = 0;
        int failed = 0;
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (!named(type.getName(), prefixes) || !instrumentation.isModifiableClass(type)) {
                continue;
            }
            try {
                instrumentation.retransformClasses(type);
                retransformed++;
            } catch (Throwable t) {
                failed++;
            }
        }
        Files.write(Path.of(parts[0]), (retransformed + " " + failed).getBytes(StandardCharsets.UTF_8));
    }

    private static boolean named(String name, String[] prefixes) {
        for (String p : prefixes) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] classFile) {
        return null;
    }
}
