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
    /** Replacement text one parse may expand while serving a request (JDK 17's totalEntitySizeLimit is 5e7). */
    long ENTITY_EXPANSION_LIMIT_CHARS = 10_000_000L;
    /** Entity references one parse may expand while serving a request (the engine's xxe::EXPANSION_LIMIT). */
    int ENTITY_EXPANSION_LIMIT_COUNT = 10_000;

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
