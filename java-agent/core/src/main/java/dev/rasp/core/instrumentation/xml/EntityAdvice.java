package dev.rasp.core.instrumentation.xml;

import dev.rasp.bootstrap.RaspBridge;
import dev.rasp.core.instrumentation.weaving.Advice;

/**
 * Inlined at the start of Xerces' {@code XMLEntityManager.setupCurrentEntity}, where the parser
 * makes every entity it reads current: the document, the external DTD, each entity reference it
 * expands (an internal one as a reader over its text), and each external entity, which it opens
 * itself right after unless the application's entity resolver supplied a stream. DOM, SAX,
 * StAX, TrAX, validation and JAXB all read XML through it.
 *
 * <p>The values come from the method's XMLInputSource, a type of a package java.xml does not
 * export: {@link XercesMappings} binds each annotated parameter to a getter call on it, so the
 * advice needs the type neither at compile time nor by reflection. Not suppressing:
 * RaspBlockedException must stop the parse before the entity is opened.
 */
public final class EntityAdvice {

    private EntityAdvice() {
    }

    @Advice.OnMethodEnter
    public static void enter(@XercesMappings.Api int api, @Advice.This Object manager,
                             @XercesMappings.EntityName String name,
                             @XercesMappings.Source("getSystemId") String systemId,
                             @XercesMappings.Source("getPublicId") String publicId,
                             @XercesMappings.Source("getByteStream") Object byteStream,
                             @XercesMappings.Source("getCharacterStream") Object charStream) {
        RaspBridge.onXmlEntity(api, manager, name, systemId, publicId, byteStream, charStream);
    }
}
