package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import org.junit.jupiter.api.Assumptions;

/**
 * {@link SpringFileShapesBlockModeIT} on JDK 25, whose providers declare other methods than JDK 17's
 * ({@code exists(Path, LinkOption...)}, {@code readAttributesIfExists}, {@code isReadable}), and whose
 * {@code File} delegates differently.
 */
class SpringJdk25FileShapesBlockModeIT extends SpringFileShapesBlockModeIT {
    @Override
    AppProcess.Builder builder() {
        if (!Files.isExecutable(ItConfig.jdk25Java())) {
            Assumptions.assumeFalse(ItConfig.skipJdk25(), "JDK 25 skipped (-Drasp.it.skipJdk25=true)");
            fail("JDK 25 not found at " + ItConfig.jdk25Java() + " (set -Drasp.it.jdk25.home=<jdk dir>)");
        }
        return AppProcess.builder("spring-jdk25-fileshapes-block", ItConfig.springJar()).java(ItConfig.jdk25Java())
            .jvmArg("--enable-native-access=ALL-UNNAMED");
    }
}
