package dev.rasp.core.instrumentation.process;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

import java.util.Map;

/**
 * Inlined at the start of the static {@code java.lang.ProcessImpl.start(String[] cmdarray,
 * Map<String,String> environment, String dir, ProcessBuilder.Redirect[], boolean)}, which every
 * Runtime.exec overload and ProcessBuilder.start(/startPipeline) reaches with the final argv.
 */
public final class ProcessImplAdvice {

    private ProcessImplAdvice() {
    }

    // Not suppressing: RaspBlockedException must stop the launch.
    @Advice.OnMethodEnter
    public static void enter(@Advice.Argument(0) String[] cmdarray, @Advice.Argument(1) Map<String, String> environment) {
        RaspBridge.onCommand(CommandApi.PROCESS_IMPL_START, cmdarray, environment);
    }
}
