package dev.rasp.bootstrap;

import java.util.Map;

/**
 * What the agent core does behind {@link RaspBridge}. The core (in its own isolated class loader)
 * implements it and installs it once with {@link RaspBridge#install(RaspHooks)}.
 *
 * <p>Implementations may throw only {@link RaspBlockedException} from the check methods; the
 * bridge contains anything else, but an implementation should not rely on that.
 */
public interface RaspHooks {

    /**
     * The outermost servlet entry on a thread. Returns the context that tracks this request
     * (holding the serving thread's reference), or null when the object is not an HTTP request
     * (then nothing is tracked).
     */
    RequestContext openRequest(Object request, Object response);

    /**
     * The outermost servlet exit (also when the application threw), with the serving thread's
     * binding, already unbound. Must give back the serving thread's reference on the context.
     * Returns the throwable the instrumented method should finish with: {@code thrown} itself,
     * or null to end normally (used to swallow our own block exception once the 403 is out).
     */
    Throwable closeRequest(RequestScope scope, Throwable thrown);

    /**
     * Work of the request is being handed to another thread (called on a thread of the request,
     * guarded): whatever the checks need from the request object must be read now, since the
     * task may run after the request ended and the container recycled the object.
     */
    void prepareHandOff(RequestContext context);

    /**
     * A task that answered a block ({@link RequestScope#asyncToComplete}) ended: complete the
     * request unless it was completed or dispatched meanwhile.
     */
    void taskAnsweredBlockEnded(Object asyncContext);

    /**
     * A WebSocket message handler's outermost entry on a thread: the context of the message as a
     * request of its own (its payload and what the handler's arguments tell of the handshake),
     * or null when the arguments carry nothing to judge.
     */
    RequestContext openMessage(Object handler, Object[] handlerArgs);

    /** A nested handler layer of the same message: what it and its arguments add. */
    void addToMessage(RequestContext context, Object handler, Object[] handlerArgs);

    /**
     * webSocketEvent kinds: Session.addMessageHandler (self: the session), Configurator.modifyHandshake,
     * Endpoint.onOpen / {@code @OnOpen}, a Session's constructor (self: the session).
     */
    int WS_HANDLER_ADDED = 0;
    int WS_HANDSHAKE = 1;
    int WS_OPENED = 2;
    /** Jetty's JSR 356 frame handler opened its session (self: the frame handler, whose getSession() is it). */
    int WS_JETTY_OPENED = 3;
    /**
     * A JSR 356 Session was constructed (self: the session). Jetty creates it on the upgrading thread, then
     * hands the connection's reads to another thread before its frame handler's onOpen returns.
     */
    int WS_SESSION_CREATED = 4;

    /** A JSR 356 life-cycle call the message contexts learn the handshake from ({@code args}: its arguments). */
    void webSocketEvent(int kind, Object self, Object[] args);

    /** The outermost handler's exit: gives back the message's reference. */
    void closeMessage(RequestScope scope);

    /** The last reference to a request's context is gone (on any thread): release its native context. */
    void releaseContext(RequestContext context);

    /**
     * One SQL sink check; {@code api} is a SqlApi code of the native contract. {@code scope} is
     * this thread's binding to the request (the serving thread's or a task's). Called with
     * {@code scope.guarded} set.
     */
    void checkSql(RequestScope scope, Object connectionOrStatement, boolean isConnection, int api, String sql);

    /**
     * Whether the request's body is content-coded ({@code Content-Encoding} other than identity),
     * asked at its first body read. The default says no.
     */
    default boolean bodyEncoded(RequestContext context) {
        return false;
    }

    /**
     * One ORM query check ({@code method}: the hooked method's kind, see the core's
     * {@code OrmMethod}); the receiver is the EntityManager or Hibernate session. Called with
     * {@code scope.guarded} set. The default does nothing (hooks written before ORM sinks).
     */
    default void checkQuery(RequestScope scope, Object entityManagerOrSession, int method, String query) {
    }

    /**
     * One process launch ({@code api}: a CommandApi code). {@code argv} is the command line as
     * the JVM hands it to the OS; {@code environment} the child's environment map when the
     * application touched it (ProcessBuilder.environment(), Runtime.exec with envp), else null.
     * Called with {@code scope.guarded} set.
     */
    void checkCommand(RequestScope scope, int api, String[] argv, Map<String, String> environment);

    /**
     * A process launch on a thread that serves no request: only the engine's command policy
     * applies (reverse shells, download-and-execute), since no request input can be involved.
     */
    void checkCommandOutsideRequest(int api, String[] argv, Map<String, String> environment);

    /**
     * One file access ({@code api}: a PathApi code). {@code path} is a java.io.File, a
     * java.nio.file.Path or a String. {@code op} is a PathOp code, or {@link #OP_FROM_OPTIONS}:
     * then the core derives it from {@code options} (a RandomAccessFile mode String, or the
     * Set of OpenOptions of newByteChannel/newFileChannel). Called with {@code scope.guarded} set.
     */
    void checkPath(RequestScope scope, int api, int op, Object path, Object options);

    /**
     * One connection about to be made ({@code api}: a UrlApi code of the native contract):
     * {@code target} is the java.net.URL opened, the HttpURLConnection redirecting (then
     * {@code detail} is the URL of the next hop), the java.net.http.HttpRequest sent, or the
     * SocketAddress connected to. Called with {@code scope.guarded} set. The default does nothing
     * (hooks written before network sinks).
     */
    default void checkConnection(RequestScope scope, int api, Object target, Object detail) {
    }

    /**
     * One expression about to be parsed ({@code api}: an ExprApi code of the native contract;
     * {@code parserContext}: SpEL's ParserContext or null). Called with {@code scope.guarded} set.
     */
    default void checkExpression(RequestScope scope, int api, String expression, Object parserContext) {
    }

    /** An expression parsed on a thread that serves no request: only the expression policy applies. */
    default void checkExpressionOutsideRequest(int api, String expression, Object parserContext) {
    }

    /**
     * One JNDI name operation ({@code api}: a JndiApi code; {@code name}: a String or a
     * javax.naming.Name) on a thread serving a request. Called with {@code scope.guarded} set.
     * The default does nothing (hooks written before JNDI sinks).
     */
    default void checkJndi(RequestScope scope, int api, Object name) {
    }

    /**
     * A JNDI name operation on a thread that serves no request: the remote-lookup policy alone
     * applies (a payload stored earlier and logged now still makes a remote lookup).
     */
    default void checkJndiOutsideRequest(int api, Object name) {
    }

    /**
     * One class descriptor a deserializer resolved ({@code api}: {@link #CLASS_DESCRIPTOR} with
     * the stream's java.io.ObjectStreamClass, {@link #CLASS_PROXY} with the resolved proxy
     * Class, whose interfaces are judged, {@link #CLASS_YAML_TAG} with a SnakeYAML Node, {@link #CLASS_XSTREAM}
     * with the Class XStream resolved, or {@link #CLASS_JACKSON} with a Jackson type id String). Called with
     * {@code scope.guarded} set. The default
     * does nothing (hooks written before deserialization sinks).
     */
    default void checkClass(RequestScope scope, int api, Object descriptor) {
    }

    /**
     * checkClass apis: a class descriptor (ObjectInputStream.resolveClass), a proxy class (resolveProxyClass), a
     * SnakeYAML node whose global tag names a class (Constructor.getClassForNode), a class XStream resolved from an
     * element or class attribute (CachingMapper.realClass), a Jackson class-name type id
     * (ClassNameIdResolver._typeFromId).
     */
    int CLASS_DESCRIPTOR = 0;
    int CLASS_PROXY = 1;
    int CLASS_YAML_TAG = 2;
    int CLASS_XSTREAM = 3;
    int CLASS_JACKSON = 4;

    /**
     * An entity the XML parser sets up ({@code api}: the parser, see the core's XmlEntityApi;
     * {@code event}: {@link #ENTITY_RESOLVE} or {@link #ENTITY_EXPANSION_LIMIT}). Called with
     * {@code scope.guarded} set. The default does nothing (hooks written before XML sinks).
     */
    default void checkXmlEntity(RequestScope scope, int api, int event, String name, String systemId, String publicId) {
    }

    /** checkXmlEntity events: the parser is about to open an external entity or DTD itself ... */
    int ENTITY_RESOLVE = 0;
    /**
     * ... or this parse expanded more than {@link #ENTITY_EXPANSION_LIMIT_COUNT} entity references
     * or {@link #ENTITY_EXPANSION_LIMIT_CHARS} characters of internal entities' replacement text.
     */
    int ENTITY_EXPANSION_LIMIT = 1;
    /**
     * ... or is about to open one in a parse that read request body the agent did not keep (a
     * content type the engine does not parse): the document came from the request unseen.
     */
    int ENTITY_RESOLVE_UNSEEN_BODY = 2;
    /**
     * Replacement text one parse may expand while serving a request (JDK 17's totalEntitySizeLimit is 5e7), unless
     * configured: {@link #maxEntityChars}.
     */
    long ENTITY_EXPANSION_LIMIT_CHARS = 10_000_000L;
    /**
     * Entity references one parse may expand while serving a request (the engine's xxe::EXPANSION_LIMIT), unless
     * configured: {@link #maxEntityExpansions}.
     */
    int ENTITY_EXPANSION_LIMIT_COUNT = 10_000;

    /** The entity references one parse may expand (rasp.xxe.max_entity_expansions); read once, at install. */
    default int maxEntityExpansions() {
        return ENTITY_EXPANSION_LIMIT_COUNT;
    }

    /** The replacement-text characters one parse may expand (rasp.xxe.max_entity_chars); read once, at install. */
    default long maxEntityChars() {
        return ENTITY_EXPANSION_LIMIT_CHARS;
    }

    /** {@code op} of {@link #checkPath} when the open options decide it. */
    int OP_FROM_OPTIONS = -1;

    /** The PathOp code of metadata calls (exists, attributes): skipped inside File.mkdirs. */
    int OP_METADATA = 5;

    /** captureObject kinds: a Cookie[] (value), a Part and its submitted file name, a multipart file object and its original file name. */
    int CAPTURE_COOKIES = 0;
    int CAPTURE_PART_FILENAME = 1;
    int CAPTURE_UPLOAD_FILENAME = 2;
    /** Commons FileUpload FileItem.getString(): a text field's value (a file's contents are not input). */
    int CAPTURE_UPLOAD_FIELD = 3;

    /**
     * A value the application read, of a type only the core can read (reflectively): see the
     * CAPTURE_* kinds. {@code source} is the object the application asked, {@code value} what it
     * got. Called with {@code scope.guarded} set; stores through RaspBridge.captured.
     */
    void captureObject(RequestScope scope, int kind, Object source, Object value);

    /** Count (and maybe log) a failure the bridge contained. */
    void internalError(Throwable t);
}
