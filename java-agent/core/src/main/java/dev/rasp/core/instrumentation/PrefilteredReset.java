package dev.rasp.core.instrumentation;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.utility.JavaModule;

import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Iterator;

/**
 * ByteBuddy's shorter {@code reset} overloads end in the full one with {@code this} as the
 * transformer to remove from the JVM; called on ByteBuddy's transformer that would be the one
 * behind the pre-filter's proxy ({@link PrefilteredTransformer#wrapByteBuddy}), which the JVM does
 * not hold. These overloads run here instead and name the proxy. ByteBuddy's path only.
 */
final class PrefilteredReset extends ResettableClassFileTransformer.AbstractBase {
    private final ResettableClassFileTransformer delegate;
    volatile ResettableClassFileTransformer proxy;

    PrefilteredReset(ResettableClassFileTransformer delegate) {
        this.delegate = delegate;
    }

    @Override
    public boolean reset(Instrumentation instrumentation, ResettableClassFileTransformer transformer,
                         AgentBuilder.RedefinitionStrategy redefinitionStrategy,
                         AgentBuilder.RedefinitionStrategy.DiscoveryStrategy discoveryStrategy,
                         AgentBuilder.RedefinitionStrategy.BatchAllocator batchAllocator,
                         AgentBuilder.RedefinitionStrategy.Listener listener) {
        return delegate.reset(instrumentation, transformer == this ? proxy : transformer, redefinitionStrategy,
                discoveryStrategy, batchAllocator, listener);
    }

    @Override
    public Iterator<AgentBuilder.Transformer> iterator(TypeDescription type, ClassLoader loader, JavaModule module,
                                                       Class<?> redefined, ProtectionDomain domain) {
        return delegate.iterator(type, loader, module, redefined, domain);
    }

    @Override
    public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain,
                            byte[] classFile) {
        return null; // never registered with the JVM
    }
}
