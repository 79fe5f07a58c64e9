package dev.rasp.core.instrumentation.xml;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Inlined at the start of Woodstox's static {@code DefaultInputResolver.resolveEntity(WstxInputSource parent,
 * URL pathCtxt, String entityName, String publicId, String systemId, XMLResolver customResolver, ReaderConfig,
 * int xmlVersion)}, where its StAX reader resolves every external entity and the external DTD subset
 * ({@code entityName} null) with the literal ids the document wrote. Without an application resolver the parser
 * opens the system id itself right after; with one, the resolver decides (and what it opens, the file and
 * network hooks see). Not suppressing: RaspBlockedException must stop the parse.
 */
public final class WoodstoxResolveAdvice {

    private WoodstoxResolveAdvice() {
    }

    @Advice.OnMethodEnter
    public static void enter(@Advice.Argument(2) String entityName, @Advice.Argument(3) String publicId,
                             @Advice.Argument(4) String systemId, @Advice.Argument(5) Object customResolver) {
        if (customResolver == null) {
            RaspBridge.onXmlExternalEntity(XmlEntityApi.WOODSTOX, entityName, systemId, publicId);
        }
    }
}
