package dev.rasp.bootstrap;

import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.lang.ref.WeakReference;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.Callable;

/**
 * The static entry points that advice inlined into instrumented classes calls.
 *
 * <p>This class is on the bootstrap class path so that code in any class loader (and in the JDK
 * itself) can link against it. It holds no logic beyond thread-local bookkeeping: the work is
 * done by the core's {@link RaspHooks}, installed once at start. Until then, and whenever the
 * current thread does no work for a request, every method returns at once.
 *
 * <p>Hot path: a sink hit or a hand-off on a thread with no request costs one ThreadLocal read,
 * no JNI call, no allocation and no lock. Only {@link RaspBlockedException} ever leaves a bridge
 * method. The sink and hand-off entry points are that read and a branch, the rest in a private
 * method, so each stays under HotSpot's MaxInlineSize (35 bytes of bytecode): inlined into the
 * JDK or driver method at every call site, by C1 and at call sites C2 does not count as hot, not
 * only where C2's larger FreqInlineSize applies (RaspBridgeInlineSizeTest checks it).
 */
public final class RaspBridge {

    private static volatile RaspHooks hooks;

    // Cleared with set(null), never remove(): a later get() on the thread then finds the
    // (null-valued) entry instead of allocating a new one.
    private static final ThreadLocal<RequestScope> CURRENT = new ThreadLocal<RequestScope>();

    private RaspBridge() {
    }

    /** Installs the core once; later calls are ignored and return false. */
    public static synchronized boolean install(RaspHooks h) {
        if (hooks != null || h == null) {
            return false;
        }
        xmlMaxExpansions = h.maxEntityExpansions();
        xmlMaxChars = h.maxEntityChars();
        hooks = h;
        HandOff.startReaper();
        return true;
    }

    public static boolean isInstalled() {
        return hooks != null;
    }

    /** This thread's binding to a request, or null. */
    public static RequestScope currentScope() {
        return CURRENT.get();
    }

    /** Hand-off counters as JSON: tasks and threads that carried a request, abandoned, collected unrun, outstanding. */
    public static String handOffStats() {
        return HandOff.statsJson();
    }

    // ------------------------------------------------------------------ SQL sinks

    /**
     * Before a JDBC call that takes SQL text. Throws {@link RaspBlockedException} when the
     * statement must not run.
     */
    public static void onSql(Object connectionOrStatement, boolean isConnection, int api, String sql) {
        RequestScope scope = CURRENT.get();
        if (scope != null) {
            sql(scope, connectionOrStatement, isConnection, api, sql);
        }
    }

    private static void sql(RequestScope scope, Object connectionOrStatement, boolean isConnection, int api, String sql) {
        if (scope.guarded || scope.context.unavailable || sql == null) {
            return;
        }
        RaspHooks h = hooks;
        if (h == null) {
            return;
        }
        scope.guarded = true;
        try {
            h.checkSql(scope, connectionOrStatement, isConnection, api, sql);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
    }

    /**
     * Before an ORM method that takes query text: JPA's {@code EntityManager.createQuery} /
     * {@code createNativeQuery}, Hibernate's {@code createQuery}, {@code createSelectionQuery},
     * {@code createMutationQuery}, {@code createNativeQuery}, {@code createNativeMutationQuery}.
     * {@code method} is the hooked method's kind (the core maps it and the receiver's class to a
     * SqlApi code). Throws {@link RaspBlockedException} when the query must not be created.
     */
    public static void onQuery(Object entityManagerOrSession, int method, String query) {
        RequestScope scope = CURRENT.get();
        if (scope != null) {
            query(scope, entityManagerOrSession, method, query);
        }
    }

    private static void query(RequestScope scope, Object entityManagerOrSession, int method, String query) {
        if (scope.guarded || scope.context.unavailable || query == null) {
            return;
        }
        RaspHooks h = hooks;
        if (h == null) {
            return;
        }
        scope.guarded = true;
        try {
            h.checkQuery(scope, entityManagerOrSession, method, query);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
    }

    // ------------------------------------------------------------------ process and file sinks
    //
    // Inlined into JDK classes (java.lang.ProcessImpl, java.io.File, FileInputStream, the
    // java.nio file system providers) that run all the time: class loading, logging, the JVM's
    // own start and shutdown. Outside a request the file hooks cost one ThreadLocal read. Inside
    // one, as for SQL, the scope is guarded for the whole check, so whatever the check itself
    // causes (the driver's metadata queries, the core loading a class from its jar, writing the
    // 403) is never checked in turn.

    /** Before a process starts (java.lang.ProcessImpl.start). */
    public static void onCommand(int api, String[] argv, Map<String, String> environment) {
        RequestScope scope = CURRENT.get();
        RaspHooks h = hooks;
        if (h == null || argv == null) {
            return;
        }
        if (scope == null) {
            // Launching a process costs milliseconds; the policy check outside requests is cheap
            // next to it, and the agent itself never launches processes, so no guard is needed.
            try {
                h.checkCommandOutsideRequest(api, argv, environment);
            } catch (RaspBlockedException e) {
                throw e;
            } catch (Throwable t) {
                internalError(h, t);
            }
            return;
        }
        if (scope.guarded || scope.context.unavailable) {
            return;
        }
        scope.guarded = true;
        try {
            h.checkCommand(scope, api, argv, environment);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
    }

    /** Before a file access whose PathOp is fixed by the API. {@code path}: File, Path or String. */
    /**
     * Before a JNDI name operation (InitialContext picking the context for {@code name}, a
     * String or a javax.naming.Name). Inside a request the name is judged against its input;
     * outside one by the remote-lookup policy alone (JNDI calls are rare and slow: the check
     * costs nothing next to them, and the agent itself never uses JNDI, so no guard is needed).
     */
    public static void onJndi(int api, Object name) {
        RequestScope scope = CURRENT.get();
        RaspHooks h = hooks;
        if (h == null || name == null) {
            return;
        }
        if (scope == null) {
            try {
                h.checkJndiOutsideRequest(api, name);
            } catch (RaspBlockedException e) {
                throw e;
            } catch (Throwable t) {
                internalError(h, t);
            }
            return;
        }
        if (scope.guarded || scope.context.unavailable) {
            return;
        }
        scope.guarded = true;
        try {
            h.checkJndi(scope, api, name);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
    }

    public static void onPath(int api, int op, Object path) {
        RequestScope scope = CURRENT.get();
        if (scope != null) {
            path(scope, api, op, path);
        }
    }

    private static void path(RequestScope scope, int api, int op, Object path) {
        if (scope.guarded || scope.context.unavailable || path == null) {
            return;
        }
        if (op == RaspHooks.OP_METADATA && scope.fileInternalsDepth > 0) {
            return; // File.mkdirs asking exists() of what it is about to create
        }
        checkPath(scope, api, op, path, null);
    }

    /**
     * Before a connection is made: a URL opened, a redirect followed, an HTTP request sent, a
     * socket connected (see RaspHooks.checkConnection for the arguments of each api).
     */
    public static void onConnection(int api, Object target, Object detail) {
        RequestScope scope = CURRENT.get();
        if (scope != null) {
            connection(scope, api, target, detail);
        }
    }

    private static void connection(RequestScope scope, int api, Object target, Object detail) {
        if (scope.guarded || scope.context.unavailable || target == null) {
            return;
        }
        RaspHooks h = hooks;
        if (h == null) {
            return;
        }
        scope.guarded = true;
        try {
            h.checkConnection(scope, api, target, detail);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
    }

    /**
     * Client objects made while serving a request whose later work runs on the client's own
     * threads (Reactor Netty's exchange handler, whose redirects run on an event loop), with that
     * request. Weak both ways: the entry holds no reference on the request, which may be over
     * when the client works again (then nothing is judged).
     */
    private static final Map<Object, WeakReference<RequestContext>> ATTACHED =
            Collections.synchronizedMap(new WeakHashMap<Object, WeakReference<RequestContext>>());

    /** A client object made on this thread: remembers the request served here for its later work. */
    public static void attachRequest(Object owner) {
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.guarded || scope.context.unavailable || owner == null) {
            return;
        }
        try {
            // Its work may run after the container recycled the request object: read it now.
            handingOff(scope.context);
            ATTACHED.put(owner, new WeakReference<RequestContext>(scope.context));
        } catch (Throwable t) {
            internalError(hooks, t);
        }
    }

    /**
     * A connection a client object makes on its own thread ({@link #onConnection} otherwise):
     * judged for the request it was made for, bound here while the check runs, when that request
     * is still being served.
     */
    public static void onAttachedConnection(Object owner, int api, Object target, Object detail) {
        RequestContext context = null;
        try {
            WeakReference<RequestContext> ref = owner == null ? null : ATTACHED.get(owner);
            context = ref == null ? null : ref.get();
        } catch (Throwable t) {
            internalError(hooks, t);
        }
        if (context == null || !context.retain()) {
            onConnection(api, target, detail);
            return;
        }
        RequestScope scope = bind(context, RequestScope.VIA_CLIENT);
        try {
            onConnection(api, target, detail);
        } finally {
            unbind(scope);
            context.release();
        }
    }

    /**
     * Before an expression is parsed (SpEL, OGNL, MVEL, JEXL, EL, a template). On a thread that serves no
     * request the expression policy still applies (an expression that reaches Runtime needs no
     * request input to be dangerous).
     */
    public static void onExpression(int api, Object expression, Object parserContext) {
        if (!(expression instanceof String)) {
            return;
        }
        RaspHooks h = hooks;
        if (h == null) {
            return;
        }
        RequestScope scope = CURRENT.get();
        if (scope == null) {
            try {
                h.checkExpressionOutsideRequest(api, (String) expression, parserContext);
            } catch (RaspBlockedException e) {
                throw e;
            } catch (Throwable t) {
                internalError(h, t);
            }
            return;
        }
        if (scope.guarded || scope.context.unavailable) {
            return;
        }
        scope.guarded = true;
        try {
            h.checkExpression(scope, api, (String) expression, parserContext);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
    }

    /**
     * Before a template engine parses a template's source (FreeMarker's Template constructor,
     * Velocity's RuntimeInstance.parse): the source is read whole, judged as an expression of
     * the template language ({@link #onExpression}), and a reader of the same text is returned
     * for the engine to parse in place of the one it was given. Returns {@code reader} itself
     * when there is nothing to judge.
     */
    public static Object onTemplate(int api, Object reader) {
        if (!(reader instanceof Reader) || hooks == null) {
            return reader;
        }
        Reader in = (Reader) reader;
        StringBuilder text = new StringBuilder();
        char[] buffer = new char[4096];
        try {
            for (int n = in.read(buffer); n != -1; n = in.read(buffer)) {
                text.append(buffer, 0, n);
            }
        } catch (IOException | RuntimeException e) {
            // The text read so far goes back in front of the rest: the engine meets the failure itself.
            return unread(in, text);
        }
        String source = text.toString();
        onExpression(api, source, null);
        return new ReadAhead(source, in);
    }

    /**
     * The template text read ahead, in place of the application's reader: closing it closes that
     * reader, as the template engine's close would have (FreeMarker's Template closes the reader
     * it is given; a {@code FileReader} left open would leak a descriptor per template).
     */
    static final class ReadAhead extends Reader {
        private final StringReader text;
        private final Reader original;

        ReadAhead(String text, Reader original) {
            this.text = new StringReader(text);
            this.original = original;
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            return text.read(buffer, offset, length);
        }

        @Override
        public void close() throws IOException {
            text.close();
            original.close();
        }
    }

    private static Reader unread(Reader in, StringBuilder text) {
        if (text.length() == 0) {
            return in;
        }
        char[] chars = new char[text.length()];
        text.getChars(0, chars.length, chars, 0);
        PushbackReader pushback = new PushbackReader(in, chars.length);
        try {
            pushback.unread(chars);
        } catch (IOException e) {
            return new StringReader(text.toString()); // cannot happen: the buffer fits the text
        }
        return pushback;
    }

    /**
     * Entry of File.mkdirs: until the matching {@link #fileInternalsExit}, the metadata calls
     * it makes itself (exists, isDirectory, on the directory and its parents) are not checked;
     * the directories it creates are, at mkdir. Without this a zip-slip's
     * {@code target.getParentFile().mkdirs()} would be judged on the parent of the entry's
     * name, where the name no longer occurs whole, before the write that names it.
     */
    public static void fileInternalsEnter() {
        RequestScope scope = CURRENT.get();
        if (scope != null) {
            scope.fileInternalsDepth++;
        }
    }

    /** Exit of File.mkdirs, also when it threw. */
    public static void fileInternalsExit() {
        RequestScope scope = CURRENT.get();
        if (scope != null && scope.fileInternalsDepth > 0) {
            scope.fileInternalsDepth--;
        }
    }

    /**
     * Before opening a file whose PathOp depends on how it is opened: {@code options} is the
     * RandomAccessFile mode or the Set of OpenOptions.
     */
    public static void onPathOpen(int api, Object path, Object options) {
        RequestScope scope = CURRENT.get();
        if (scope != null) {
            pathOpen(scope, api, path, options);
        }
    }

    private static void pathOpen(RequestScope scope, int api, Object path, Object options) {
        if (scope.guarded || scope.context.unavailable || path == null) {
            return;
        }
        checkPath(scope, api, RaspHooks.OP_FROM_OPTIONS, path, options);
    }

    /** Before an access to two paths (copy, move, rename): the source, then the target. */
    public static void onPathPair(int api, int sourceOp, Object source, int targetOp, Object target) {
        RequestScope scope = CURRENT.get();
        if (scope != null) {
            pathPair(scope, api, sourceOp, source, targetOp, target);
        }
    }

    private static void pathPair(RequestScope scope, int api, int sourceOp, Object source, int targetOp, Object target) {
        if (scope.guarded || scope.context.unavailable) {
            return;
        }
        if (source != null) {
            checkPath(scope, api, sourceOp, source, null);
        }
        if (target != null) {
            checkPath(scope, api, targetOp, target, null);
        }
    }

    /**
     * After the application normalised a path: {@code result} (a File, Path or String) came from
     * {@code written}, or from {@code parent + "/" + written} when {@code parent} is not null (a
     * File made from a parent and a child). Remembered for the request's later file checks when
     * normalising can have hidden input (see NormalizedPaths). No native call; never throws.
     */
    public static void onNormalized(Object parent, Object written, Object result) {
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.guarded || written == null || result == null) {
            return;
        }
        try {
            String w = pathText(written);
            if (!NormalizedPaths.mayHideInput(w)) {
                return;
            }
            if (parent != null) {
                w = pathText(parent) + "/" + w;
            }
            String r = pathText(result);
            if (!w.equals(r)) {
                scope.context.rememberNormalized(r, w);
            }
        } catch (Throwable t) {
            // Remembering is best effort: the application's call must return as it would.
        }
    }

    /**
     * After FileSystem.getPath(first, more...) (Path.of, Paths.get, File.toPath, Path.resolve(String)):
     * the path as written is the strings joined by "/", as the JDK joins them, before it collapsed
     * {@code //}. Only a string with a doubled separator is worth remembering.
     */
    public static void onPathJoined(String first, String[] more, Object result) {
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.guarded || first == null || result == null) {
            return;
        }
        try {
            boolean doubled = first.indexOf("//") >= 0 || first.indexOf("\\\\") >= 0;
            if (more != null) {
                for (int i = 0; i < more.length && !doubled; i++) {
                    doubled = more[i] != null && more[i].indexOf("//") >= 0;
                }
            }
            if (!doubled) {
                return;
            }
            String w = first;
            if (more != null && more.length > 0) {
                StringBuilder sb = new StringBuilder(first);
                for (String m : more) {
                    if (m != null && !m.isEmpty()) {
                        if (sb.length() > 0) {
                            sb.append('/');
                        }
                        sb.append(m);
                    }
                }
                w = sb.toString();
            }
            String r = String.valueOf(result);
            if (!w.equals(r)) {
                scope.context.rememberNormalized(r, w);
            }
        } catch (Throwable t) {
            // best effort, as onNormalized
        }
    }

    private static String pathText(Object path) {
        if (path instanceof java.io.File) {
            return ((java.io.File) path).getPath();
        }
        return path instanceof String ? (String) path : String.valueOf(path);
    }

    private static void checkPath(RequestScope scope, int api, int op, Object path, Object options) {
        RaspHooks h = hooks;
        if (h == null) {
            return;
        }
        scope.guarded = true;
        try {
            h.checkPath(scope, api, op, path, options);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
    }

    // ------------------------------------------------------------------ deserialization

    /**
     * A class descriptor an ObjectInputStream resolved, before any object of the class exists
     * (java.io.ObjectStreamClass.initNonProxy / initProxy, which every stream reaches whatever
     * resolveClass its subclass overrides), or a class a SnakeYAML document names.
     * {@code descriptor}: the stream's ObjectStreamClass ({@link RaspHooks#CLASS_DESCRIPTOR}),
     * the resolved proxy Class ({@link RaspHooks#CLASS_PROXY}), the YAML Node
     * ({@link RaspHooks#CLASS_YAML_TAG}), the Class XStream resolved ({@link RaspHooks#CLASS_XSTREAM}) or the
     * Jackson type id ({@link RaspHooks#CLASS_JACKSON}). Judged only while serving a request: the streams the
     * issue protects are the ones a request delivers.
     */
    public static void onClassDescriptor(int api, Object descriptor) {
        RequestScope scope = CURRENT.get();
        if (scope != null) {
            classDescriptor(scope, api, descriptor);
        }
    }

    private static void classDescriptor(RequestScope scope, int api, Object descriptor) {
        if (scope.guarded || scope.context.unavailable || descriptor == null) {
            return;
        }
        RaspHooks h = hooks;
        if (h == null) {
            return;
        }
        scope.guarded = true;
        try {
            h.checkClass(scope, api, descriptor);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
    }

    // ------------------------------------------------------------------ XML entities

    /** The pseudo-names Xerces gives the document entity and the external DTD subset. */
    private static final String XML_DOCUMENT_ENTITY = "[xml]";
    private static final String XML_DTD_ENTITY = "[dtd]";
    /** The configured expansion limits, copied from the hooks at install: read on every entity without a call. */
    private static volatile int xmlMaxExpansions = RaspHooks.ENTITY_EXPANSION_LIMIT_COUNT;
    private static volatile long xmlMaxChars = RaspHooks.ENTITY_EXPANSION_LIMIT_CHARS;

    /**
     * Before the XML parser (the JDK's Xerces or an application's) sets up an entity: the
     * document itself ({@code [xml]}, which starts a parse), the external DTD ({@code [dtd]}), or
     * an entity reference being expanded (an internal entity as a StringReader over its
     * replacement text). With neither stream supplied, the parser is about to open the system id
     * itself: that is judged. Expansions are counted here, per parse, with no call into the core
     * until one passes a limit ({@link RaspHooks#maxEntityExpansions} references, or
     * {@link RaspHooks#maxEntityChars} characters of replacement text, which a few references to
     * one huge entity reach); that one is judged, once per parse.
     */
    public static void onXmlEntity(int api, Object parser, String name, String systemId, String publicId,
                                   Object byteStream, Object charStream) {
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.guarded || scope.context.unavailable || name == null) {
            return;
        }
        boolean document = XML_DOCUMENT_ENTITY.equals(name);
        if (scope.xmlParser != parser || document) {
            scope.xmlParser = parser;
            scope.xmlExpansions = 0;
            scope.xmlExpandedChars = 0;
            scope.uncapturedBodyReadsAtXmlStart = scope.uncapturedBodyReads;
            scope.xmlFromUpload = document && byteStream != null && byteStream == scope.uploadStream;
        }
        if (document) {
            return; // the document: its source is the application's choice, not an entity's
        }
        int maxExpansions = xmlMaxExpansions;
        if (!XML_DTD_ENTITY.equals(name) && scope.xmlExpansions <= maxExpansions) {
            scope.xmlExpansions++;
            if (charStream instanceof java.io.StringReader) {
                scope.xmlExpandedChars += remaining((java.io.StringReader) charStream);
            }
            if (scope.xmlExpansions > maxExpansions || scope.xmlExpandedChars > xmlMaxChars) {
                scope.xmlExpansions = maxExpansions + 1; // judged once per parse
                checkXmlEntity(scope, api, RaspHooks.ENTITY_EXPANSION_LIMIT, name, null, null);
            }
        }
        if (byteStream == null && charStream == null && (systemId != null || publicId != null)) {
            // This parse read request body the agent did not keep (a content type it does not
            // parse, application/octet-stream say): the document is the request's, unseen.
            // ... or an uploaded file's stream, whose content the agent does not keep either.
            int event = scope.uncapturedBodyReads != scope.uncapturedBodyReadsAtXmlStart || scope.xmlFromUpload
                    ? RaspHooks.ENTITY_RESOLVE_UNSEEN_BODY : RaspHooks.ENTITY_RESOLVE;
            checkXmlEntity(scope, api, event, name, systemId, publicId);
        }
    }

    /**
     * After the application opened an uploaded file's content (Part, Spring's MultipartFile or
     * Commons FileUpload's FileItem getInputStream()): an XML parse of exactly this stream reads a
     * document of the request that the agent did not keep (file parts are elided from the body).
     */
    public static void onUploadStream(Object stream) {
        RequestScope scope = CURRENT.get();
        if (scope != null && stream != null) {
            scope.uploadStream = stream;
        }
    }

    /**
     * Before a parser that is not Xerces (Woodstox) opens an external entity or DTD itself:
     * {@code name} null for the external DTD subset. Its own entity limits are on by default,
     * so only the resolution is judged.
     */
    public static void onXmlExternalEntity(int api, String name, String systemId, String publicId) {
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.guarded || scope.context.unavailable || (systemId == null && publicId == null)) {
            return;
        }
        checkXmlEntity(scope, api, RaspHooks.ENTITY_RESOLVE, name == null ? XML_DTD_ENTITY : name, systemId, publicId);
    }

    /** The characters a fresh StringReader holds, leaving it where it was (mark, skip and reset are O(1)). */
    private static long remaining(java.io.StringReader reader) {
        try {
            reader.mark(0);
            long n = reader.skip(Long.MAX_VALUE);
            reader.reset();
            return n;
        } catch (java.io.IOException e) {
            return 0; // closed: the parser will fail on it anyway
        }
    }

    private static void checkXmlEntity(RequestScope scope, int api, int event, String name, String systemId,
                                       String publicId) {
        RaspHooks h = hooks;
        if (h == null) {
            return;
        }
        scope.guarded = true;
        try {
            h.checkXmlEntity(scope, api, event, name, systemId, publicId);
        } catch (RaspBlockedException e) {
            throw e;
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
    }

    // ------------------------------------------------------------------ request lifecycle

    /**
     * Entry of Filter.doFilter / Servlet.service. Returns true when this call was counted (the
     * matching {@link #requestExit} must then be called with true).
     *
     * <p>Nested entries of the request this thread serves (filters, forwards, includes) only
     * count. An entry on a thread that serves no request, or that runs a task of another
     * request's, or a task of this one (the container runs an async dispatch on its executor)
     * starts a request of its own: the container is serving an HTTP request here.
     */
    public static boolean requestEnter(Object request, Object response) {
        RaspHooks h = hooks;
        if (h == null) {
            return false;
        }
        RequestScope current = CURRENT.get();
        if (current != null && current.servletDepth > 0) {
            current.servletDepth++;
            return true;
        }
        RequestContext context;
        try {
            context = h.openRequest(request, response);
        } catch (Throwable t) {
            internalError(h, t);
            return false;
        }
        if (context == null) {
            return false;
        }
        RequestScope scope = new RequestScope(context, current, null);
        scope.servletDepth = 1;
        CURRENT.set(scope);
        return true;
    }

    /**
     * Exit of Filter.doFilter / Servlet.service, normal or exceptional. The outermost exit
     * leaves the request (the binding that was there before comes back). Returns the throwable
     * the method must finish with (null: return normally).
     */
    public static Throwable requestExit(boolean entered, Throwable thrown) {
        if (!entered) {
            return thrown;
        }
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.servletDepth == 0) {
            return thrown;
        }
        if (--scope.servletDepth > 0) {
            return thrown;
        }
        CURRENT.set(scope.previous);
        RaspHooks h = hooks;
        if (h == null) {
            return thrown;
        }
        try {
            return h.closeRequest(scope, thrown);
        } catch (Throwable t) {
            internalError(h, t);
            return thrown;
        }
    }

    /**
     * Entry of a WebSocket message handler: the message is a request of its own (see
     * requestEnter for how entries nest). Returns true when counted (then messageExit(true)).
     */
    public static boolean messageEnter(Object handler, Object[] args) {
        RaspHooks h = hooks;
        if (h == null) {
            return false;
        }
        RequestScope current = CURRENT.get();
        if (current != null && current.servletDepth > 0) {
            current.servletDepth++;
            try {
                h.addToMessage(current.context, handler, args);
            } catch (Throwable t) {
                internalError(h, t);
            }
            return true;
        }
        RequestContext context;
        try {
            context = h.openMessage(handler, args);
        } catch (Throwable t) {
            internalError(h, t);
            return false;
        }
        if (context == null) {
            return false;
        }
        RequestScope scope = new RequestScope(context, current, null);
        scope.servletDepth = 1;
        CURRENT.set(scope);
        return true;
    }

    /**
     * A JSR 356 life-cycle call (RaspHooks.WS_*): the core learns a session's handshake and which
     * session a MessageHandler serves, which the handler's own arguments do not tell.
     */
    public static void webSocketEvent(int kind, Object self, Object[] args) {
        RaspHooks h = hooks;
        if (h != null) {
            try {
                h.webSocketEvent(kind, self, args);
            } catch (Throwable t) {
                internalError(h, t);
            }
        }
    }

    /**
     * After messageEnter: the handler's Reader or InputStream payload replaced by one that captures
     * what the handler reads into the message's context; null when there is nothing to replace.
     */
    public static Object[] messageStreams(Object[] args) {
        RequestScope scope = CURRENT.get();
        if (scope == null || args == null || scope.guarded) {
            return null;
        }
        try {
            return MessageStreams.wrap(args, scope.context);
        } catch (Throwable t) {
            internalError(hooks, t);
            return null;
        }
    }

    /** Exit of a WebSocket message handler; the handler's own exception (a block among them) goes on. */
    public static void messageExit(boolean entered) {
        if (!entered) {
            return;
        }
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.servletDepth == 0 || --scope.servletDepth > 0) {
            return;
        }
        CURRENT.set(scope.previous);
        RaspHooks h = hooks;
        if (h != null) {
            try {
                h.closeMessage(scope);
            } catch (Throwable t) {
                internalError(h, t);
            }
        }
    }

    /** The last reference to a request's context is gone: its native context is released. */
    static void contextReleased(RequestContext context) {
        RaspHooks h = hooks;
        if (h == null) {
            return;
        }
        try {
            h.releaseContext(context);
        } catch (Throwable t) {
            internalError(h, t);
        }
    }

    /** Binds {@code context} on this thread for a task (or thread) of its request. */
    static RequestScope bind(RequestContext context, String via) {
        RequestScope previous = CURRENT.get();
        // The serving thread running its own task inline (CallerRunsPolicy, a direct executor)
        // stays the serving thread: it can still answer the request itself.
        String how = previous != null && previous.context == context ? previous.handoff : via;
        RequestScope scope = new RequestScope(context, previous, how);
        CURRENT.set(scope);
        return scope;
    }

    static void unbind(RequestScope scope) {
        CURRENT.set(scope.previous);
        Object async = scope.asyncToComplete;
        RaspHooks h = hooks;
        if (async != null && h != null) {
            try {
                h.taskAnsweredBlockEnded(async);
            } catch (Throwable t) {
                internalError(h, t);
            }
        }
    }

    // ------------------------------------------------------------------ hand-offs
    //
    // Enter advice of an executor method passes the task and gets back what to hand on in its
    // place (the advice assigns it to the argument); null means this thread serves no request
    // and the exit advice has nothing to do. Anything else must reach handOffExit, which ends
    // the executor method's mark on this thread and, when the method threw, gives back the
    // reference of a wrapper that will not run.

    /**
     * The request to carry {@code task} for, or null to hand it on as it is. Counts the executor
     * method on the thread (handOffExit undoes it) whenever there is a request and a task.
     */
    private static RequestScope carrying(RequestScope scope, Object task) {
        if (scope.handOffDepth++ > 0 || scope.guarded || HandOff.isWrapped(task)) {
            return null; // an executor method inside another carries nothing twice
        }
        handingOff(scope.context);
        return scope;
    }

    /** execute(Runnable), submit(Runnable), schedule(Runnable, ...), AsyncContext.start(Runnable). */
    public static Runnable handOffRunnable(Runnable task, String via) {
        RequestScope scope = CURRENT.get();
        return scope == null ? null : handOffRunnable(scope, task, via);
    }

    private static Runnable handOffRunnable(RequestScope scope, Runnable task, String via) {
        if (task == null) {
            return null;
        }
        try {
            Runnable wrapped = carrying(scope, task) == null ? null : HandOff.wrap(scope.context, task, via);
            return wrapped == null ? task : wrapped;
        } catch (Throwable t) {
            internalError(hooks, t);
            return task;
        }
    }

    /** submit(Callable), schedule(Callable, ...). */
    public static <V> Callable<V> handOffCallable(Callable<V> task, String via) {
        RequestScope scope = CURRENT.get();
        return scope == null ? null : handOffCallable(scope, task, via);
    }

    private static <V> Callable<V> handOffCallable(RequestScope scope, Callable<V> task, String via) {
        if (task == null) {
            return null;
        }
        try {
            Callable<V> wrapped = carrying(scope, task) == null ? null : HandOff.wrap(scope.context, task, via);
            return wrapped == null ? task : wrapped;
        } catch (Throwable t) {
            internalError(hooks, t);
            return task;
        }
    }

    /** invokeAll(Collection), invokeAny(Collection): a list of the wrapped tasks. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Collection handOffAll(Collection tasks, String via) {
        RequestScope scope = CURRENT.get();
        if (scope == null || tasks == null) {
            return null;
        }
        try {
            return carrying(scope, tasks) == null ? tasks
                    : HandOff.wrapAll(scope.context, (Collection<? extends Callable<Object>>) tasks, via);
        } catch (Throwable t) {
            internalError(hooks, t);
            return tasks;
        }
    }

    /**
     * Executor methods that carry no request (periodic schedules: a task that runs forever
     * would keep the request alive forever) still mark the thread, so that the pool threads
     * they start do not take the request with them. Returns null when there is nothing to undo.
     */
    public static Object handOffMark() {
        RequestScope scope = CURRENT.get();
        if (scope == null) {
            return null;
        }
        scope.handOffDepth++;
        return scope;
    }

    /** Exit of any hand-off method; {@code handed} is what its enter returned. */
    public static void handOffExit(Object handed, Throwable thrown) {
        if (handed != null) {
            handedOff(handed, thrown);
        }
    }

    private static void handedOff(Object handed, Throwable thrown) {
        RequestScope scope = CURRENT.get();
        if (scope != null && scope.handOffDepth > 0) {
            scope.handOffDepth--;
        }
        if (thrown != null) {
            try {
                HandOff.abandon(handed);
            } catch (Throwable t) {
                internalError(hooks, t);
            }
        }
    }

    /** ForkJoinTask.fork(), ForkJoinPool.execute/submit/invoke(ForkJoinTask): the task carries the request. */
    public static void forkJoinTask(Object task) {
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.guarded || task == null) {
            return;
        }
        try {
            handingOff(scope.context);
            HandOff.captureInPlace(scope.context, task, RequestScope.VIA_FORK_JOIN);
        } catch (Throwable t) {
            internalError(hooks, t);
        }
    }

    /**
     * Entry of a task captured in place as it runs (ForkJoinTask.doExec(), a TimerTask's run()):
     * binds the request it was forked or scheduled in, if any.
     */
    public static RequestScope inPlaceRunEnter(Object task) {
        try {
            return HandOff.inPlaceRunning(task);
        } catch (Throwable t) {
            internalError(hooks, t);
            return null;
        }
    }

    public static void inPlaceRunExit(RequestScope scope) {
        if (scope != null) {
            try {
                HandOff.ranCaptured(scope);
            } catch (Throwable t) {
                internalError(hooks, t);
            }
        }
    }

    /**
     * Entry of java.util.Timer.sched(task, time, period), which every schedule method calls: a
     * task scheduled once while serving a request takes it along to the timer's thread. A
     * periodic one does not (as with an executor's periodic schedules: a task that runs forever
     * would keep its request alive forever). Returns the task when this call captured it, for
     * {@link #timerScheduleExit}, else null.
     */
    public static Object timerSchedule(Object task, long period) {
        RequestScope scope = CURRENT.get();
        return scope == null ? null : timerSchedule(scope, task, period);
    }

    private static Object timerSchedule(RequestScope scope, Object task, long period) {
        if (scope.guarded || task == null || period != 0L) {
            return null;
        }
        try {
            handingOff(scope.context);
            return HandOff.captureInPlace(scope.context, task, RequestScope.VIA_TIMER) ? task : null;
        } catch (Throwable t) {
            internalError(hooks, t);
            return null;
        }
    }

    /** Exit of Timer.sched: when it threw (timer cancelled, task already scheduled), the capture is given back. */
    public static void timerScheduleExit(Object captured, Throwable thrown) {
        if (captured != null && thrown != null) {
            try {
                HandOff.abandonInPlace(captured);
            } catch (Throwable t) {
                internalError(hooks, t);
            }
        }
    }

    /** Thread.start() (and VirtualThread.start()): a thread started while serving a request takes it along. */
    public static void threadStart(Thread thread) {
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.handOffDepth > 0 || scope.guarded || thread == null) {
            return;
        }
        try {
            handingOff(scope.context);
            HandOff.threadStarting(scope.context, thread);
        } catch (Throwable t) {
            internalError(hooks, t);
        }
    }

    /**
     * Work of the request is about to leave this thread: the core reads what it needs from the
     * request now, while the request object is surely valid (a task may run after the request
     * ended and the container recycled it).
     */
    private static void handingOff(RequestContext context) {
        RaspHooks h = hooks;
        if (h != null && context.handle == 0L && !context.unavailable) {
            guardedCall(h, context);
        }
    }

    private static void guardedCall(RaspHooks h, RequestContext context) {
        RequestScope scope = CURRENT.get();
        boolean wasGuarded = scope != null && scope.guarded;
        if (scope != null) {
            scope.guarded = true;
        }
        try {
            h.prepareHandOff(context);
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            if (scope != null) {
                scope.guarded = wasGuarded;
            }
        }
    }

    /** Thread.start() threw. */
    public static void threadStartFailed(Thread thread) {
        try {
            HandOff.threadStartFailed(thread);
        } catch (Throwable t) {
            internalError(hooks, t);
        }
    }

    /** Entry of Thread.run() and its overrides (VirtualThread.run(Runnable)): binds what start() captured. */
    public static RequestScope threadRunEnter() {
        try {
            return HandOff.threadRunning();
        } catch (Throwable t) {
            internalError(hooks, t);
            return null;
        }
    }

    public static void threadRunExit(RequestScope scope) {
        if (scope != null) {
            try {
                HandOff.ranCaptured(scope);
            } catch (Throwable t) {
                internalError(hooks, t);
            }
        }
    }

    /** Thread.exit(), which the JVM calls as a thread ends. */
    public static void threadExit() {
        try {
            HandOff.threadExiting();
        } catch (Throwable t) {
            internalError(hooks, t);
        }
    }

    // ------------------------------------------------------------------ inputs where the application reads them
    //
    // Exit advice of a source API (getParameter, a JSON parser's getText, a zip entry...) hands
    // over what the application got. Values are kept by reference and pushed to the engine in one
    // batch before the next sink check; without a request on the thread, one ThreadLocal read.

    /** A value the application read from {@code source} (an InputSources code). */
    public static void captureInput(int source, String name, String value) {
        RequestScope scope = CURRENT.get();
        if (scope == null || value == null || scope.guarded) {
            return;
        }
        scope.context.capture(source, name, value);
    }

    /** Several values of one name (getParameterValues). */
    public static void captureInputs(int source, String name, String[] values) {
        RequestScope scope = CURRENT.get();
        if (scope == null || values == null || scope.guarded) {
            return;
        }
        for (String v : values) {
            scope.context.capture(source, name, v);
        }
    }

    /**
     * getParameterNames(): an Enumeration that captures each name as the application reads it,
     * or {@code names} itself outside a request.
     */
    public static java.util.Enumeration<String> captureParameterNames(final java.util.Enumeration<String> names) {
        final RequestScope scope = CURRENT.get();
        if (scope == null || names == null || scope.guarded) {
            return names;
        }
        final RequestContext context = scope.context;
        return new java.util.Enumeration<String>() {
            @Override
            public boolean hasMoreElements() {
                return names.hasMoreElements();
            }

            @Override
            public String nextElement() {
                String name = names.nextElement();
                context.capture(InputSources.PARAMETER, name, name);
                return name;
            }
        };
    }

    /** A parameter map (getParameterMap): every name and value. */
    public static void captureParameterMap(Map<?, ?> parameters) {
        RequestScope scope = CURRENT.get();
        if (scope == null || parameters == null || scope.guarded) {
            return;
        }
        try {
            for (Map.Entry<?, ?> e : parameters.entrySet()) {
                String name = String.valueOf(e.getKey());
                scope.context.capture(InputSources.PARAMETER, name, name);
                Object v = e.getValue();
                if (v instanceof String[]) {
                    for (String one : (String[]) v) {
                        scope.context.capture(InputSources.PARAMETER, name, one);
                    }
                } else if (v != null) {
                    scope.context.capture(InputSources.PARAMETER, name, String.valueOf(v));
                }
            }
        } catch (Throwable t) {
            internalError(hooks, t); // a concurrently modified or odd map: what was taken stays
        }
    }

    /** A JSON field name the application's parser returned; it names the values that follow. */
    public static void captureJsonName(String name) {
        RequestScope scope = CURRENT.get();
        if (scope == null || name == null || scope.guarded) {
            return;
        }
        scope.jsonName = name;
        scope.context.capture(InputSources.JSON, name, name);
    }

    /** A JSON string (or scalar as text) the application's parser returned. */
    public static void captureJsonValue(String value) {
        RequestScope scope = CURRENT.get();
        if (scope == null || value == null || scope.guarded) {
            return;
        }
        scope.context.capture(InputSources.JSON, scope.jsonName, value);
    }

    /** A piece of XML text (SAX characters, StAX getText): kept alone and as part of the element's whole text. */
    public static void captureXmlText(String piece) {
        RequestScope scope = CURRENT.get();
        if (scope == null || piece == null || scope.guarded) {
            return;
        }
        scope.context.capture(InputSources.XML, xmlPath(scope, null), piece);
        if (scope.xmlText == null) {
            scope.xmlText = new StringBuilder();
        }
        if (scope.xmlText.length() < (1 << 20)) {
            scope.xmlText.append(piece);
            scope.xmlPieces++;
        }
    }

    public static void captureXmlChars(char[] ch, int start, int length) {
        if (ch != null && length > 0 && start >= 0 && start <= ch.length - length && CURRENT.get() != null) {
            captureXmlText(new String(ch, start, length));
        }
    }

    /** An element starts (SAX startElement, StAX START_ELEMENT): the text before it is complete. */
    public static void xmlStart(String element) {
        RequestScope scope = CURRENT.get();
        if (scope == null) {
            return;
        }
        flushXmlText(scope);
        if (scope.xmlElements == null) {
            scope.xmlElements = new java.util.ArrayList<String>();
        }
        if (scope.xmlElements.size() < 256) {
            scope.xmlElements.add(element == null ? "" : element);
        }
    }

    /** An element ends (SAX endElement, StAX END_ELEMENT). */
    public static void xmlEnd() {
        RequestScope scope = CURRENT.get();
        if (scope == null) {
            return;
        }
        flushXmlText(scope);
        if (scope.xmlElements != null && !scope.xmlElements.isEmpty()) {
            scope.xmlElements.remove(scope.xmlElements.size() - 1);
        }
    }

    /** The document ends: nothing is open any more. */
    public static void xmlBoundary() {
        RequestScope scope = CURRENT.get();
        if (scope != null) {
            flushXmlText(scope);
            if (scope.xmlElements != null) {
                scope.xmlElements.clear();
            }
        }
    }

    private static void flushXmlText(RequestScope scope) {
        if (scope.xmlText == null) {
            return;
        }
        if (scope.xmlPieces > 1) {
            scope.context.capture(InputSources.XML, xmlPath(scope, null), scope.xmlText.toString());
        }
        scope.xmlText.setLength(0);
        scope.xmlPieces = 0;
    }

    /** {@code a/b} for the element the parser is in, {@code a/b/@attr} for one of its attributes. */
    private static String xmlPath(RequestScope scope, String attribute) {
        StringBuilder sb = new StringBuilder();
        if (scope.xmlElements != null) {
            for (String e : scope.xmlElements) {
                sb.append(sb.length() == 0 ? "" : "/").append(e);
            }
        }
        if (attribute != null) {
            sb.append(sb.length() == 0 ? "@" : "/@").append(attribute);
        }
        return sb.length() == 0 ? "text" : sb.toString();
    }

    /** SAX startElement: the element, then its attributes. */
    public static void captureXmlElement(String qName, org.xml.sax.Attributes attributes) {
        RequestScope scope = CURRENT.get();
        if (scope == null || scope.guarded) {
            return;
        }
        xmlStart(qName);
        if (attributes == null) {
            return;
        }
        try {
            for (int i = 0, n = attributes.getLength(); i < n; i++) {
                scope.context.capture(InputSources.XML, xmlPath(scope, attributes.getQName(i)), attributes.getValue(i));
            }
        } catch (Throwable t) {
            internalError(hooks, t);
        }
    }

    /** XMLStreamReader.next() returned {@code event}. */
    public static void staxEvent(Object reader, int event) {
        if (CURRENT.get() == null) {
            return;
        }
        if (event == javax.xml.stream.XMLStreamConstants.START_ELEMENT && reader instanceof javax.xml.stream.XMLStreamReader) {
            String name;
            try {
                name = ((javax.xml.stream.XMLStreamReader) reader).getLocalName();
            } catch (Throwable t) {
                name = "";
            }
            xmlStart(name);
        } else if (event == javax.xml.stream.XMLStreamConstants.END_ELEMENT) {
            xmlEnd();
        } else if (event == javax.xml.stream.XMLStreamConstants.END_DOCUMENT) {
            xmlBoundary();
        }
    }

    /** The name getElementText's value will have (taken before it reads on to the end tag). */
    public static String staxElementPath() {
        RequestScope scope = CURRENT.get();
        return scope == null ? null : xmlPath(scope, null);
    }

    /** XMLStreamReader.getAttributeValue(int): named after the attribute. */
    public static void captureStaxAttribute(Object reader, int index, String value) {
        RequestScope scope = CURRENT.get();
        if (scope == null || value == null || scope.guarded) {
            return;
        }
        String attribute = "";
        try {
            attribute = ((javax.xml.stream.XMLStreamReader) reader).getAttributeLocalName(index);
        } catch (Throwable t) {
            // an odd reader: the value still counts
        }
        scope.context.capture(InputSources.XML, xmlPath(scope, attribute), value);
    }

    /** XMLStreamReader.getAttributeValue(ns, name). */
    public static void captureXmlAttribute(String attribute, String value) {
        RequestScope scope = CURRENT.get();
        if (scope == null || value == null || scope.guarded) {
            return;
        }
        scope.context.capture(InputSources.XML, xmlPath(scope, attribute), value);
    }

    /** A value named by the caller (getElementText with the name staxElementPath gave). */
    public static void captureXmlValue(String name, String value) {
        RequestScope scope = CURRENT.get();
        if (scope == null || value == null || scope.guarded) {
            return;
        }
        scope.context.capture(InputSources.XML, name == null ? "text" : name, value);
    }

    /** DOM: Node.getTextContent/getNodeValue, named by the node's place in its document. */
    public static void captureDomText(Object node, String value) {
        RequestScope scope = CURRENT.get();
        if (scope == null || value == null || scope.guarded) {
            return;
        }
        scope.context.capture(InputSources.XML, domPath(node, null), value);
    }

    /** DOM: Element.getAttribute(name). */
    public static void captureDomAttribute(Object element, String attribute, String value) {
        RequestScope scope = CURRENT.get();
        if (scope == null || value == null || scope.guarded) {
            return;
        }
        scope.context.capture(InputSources.XML, domPath(element, attribute), value);
    }

    private static String domPath(Object start, String attribute) {
        java.util.ArrayDeque<String> names = new java.util.ArrayDeque<String>();
        try {
            org.w3c.dom.Node node = start instanceof org.w3c.dom.Node ? (org.w3c.dom.Node) start : null;
            if (node instanceof org.w3c.dom.Attr) {
                attribute = attribute == null ? ((org.w3c.dom.Attr) node).getName() : attribute;
                node = ((org.w3c.dom.Attr) node).getOwnerElement();
            }
            for (int depth = 0; node != null && depth < 64; depth++, node = node.getParentNode()) {
                if (node.getNodeType() == org.w3c.dom.Node.ELEMENT_NODE) {
                    names.addFirst(node.getNodeName());
                }
            }
        } catch (Throwable t) {
            // a foreign DOM: the value still counts, under a plain name
        }
        StringBuilder sb = new StringBuilder();
        for (String n : names) {
            sb.append(sb.length() == 0 ? "" : "/").append(n);
        }
        if (attribute != null) {
            sb.append(sb.length() == 0 ? "@" : "/@").append(attribute);
        }
        return sb.length() == 0 ? "text" : sb.toString();
    }

    /** A zip entry the application is about to read (ZipInputStream.getNextEntry, ZipFile's entry iterator). */
    public static void captureZipEntry(java.util.zip.ZipEntry entry) {
        RequestScope scope = CURRENT.get();
        if (scope == null || entry == null || scope.guarded) {
            return;
        }
        scope.context.capture(InputSources.ZIP_ENTRY, "entry", entry.getName());
    }

    /**
     * The consumer a ZipFile or JarFile stream hands its next entry to: the entry is captured
     * first ({@code action} itself outside a request).
     */
    public static <T> java.util.function.Consumer<T> captureZipEntries(final java.util.function.Consumer<T> action) {
        RequestScope scope = CURRENT.get();
        if (scope == null || action == null || scope.guarded) {
            return action;
        }
        final RequestContext context = scope.context;
        return new java.util.function.Consumer<T>() {
            @Override
            public void accept(T entry) {
                if (entry instanceof java.util.zip.ZipEntry) {
                    context.capture(InputSources.ZIP_ENTRY, "entry", ((java.util.zip.ZipEntry) entry).getName());
                }
                action.accept(entry);
            }
        };
    }

    /**
     * A value of an API type the bridge cannot name (servlet Cookie[], a Part, a Spring
     * MultipartFile): the core reads it reflectively. {@code kind} is a RaspHooks.CAPTURE_* code.
     */
    public static void captureObject(int kind, Object source, Object value) {
        RequestScope scope = CURRENT.get();
        if (scope == null || (source == null && value == null) || scope.guarded) {
            return;
        }
        RaspHooks h = hooks;
        if (h == null) {
            return;
        }
        scope.guarded = true;
        try {
            h.captureObject(scope, kind, source, value);
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
    }

    /** Core side of captureObject: store a value read reflectively. */
    public static void captured(RequestScope scope, int source, String name, String value) {
        if (value != null) {
            scope.context.capture(source, name, value);
        }
    }

    // ------------------------------------------------------------------ request body
    //
    // Enter advice of a read method calls bodyReadEnter(); exit advice passes what it returned
    // (the nesting level) with the data actually read. Only the outermost read records, so a
    // wrapper stream delegating to the container's stream, or ServletInputStream.readLine
    // calling read(), is counted once. A task reading the body of its request records too.

    /** {@link RequestContext#bodyEncoded}, asked of the hooks at the request's first body read. */
    private static boolean bodyEncoded(RequestScope scope) {
        Boolean known = scope.context.bodyEncoded;
        if (known != null) {
            return known;
        }
        RaspHooks h = hooks;
        if (h == null || scope.guarded) {
            return false; // the agent's own read: asked at the application's first
        }
        boolean encoded = false;
        scope.guarded = true;
        try {
            encoded = h.bodyEncoded(scope.context);
        } catch (Throwable t) {
            internalError(h, t);
        } finally {
            scope.guarded = false;
        }
        scope.context.bodyEncoded = encoded; // the same answer whichever thread asks first
        return encoded;
    }

    /** Returns -1 when this thread's request does not capture its body, else the nesting level. */
    public static int bodyReadEnter() {
        RequestScope scope = CURRENT.get();
        if (scope == null) {
            return -1;
        }
        if (!scope.context.capturesBody()) {
            scope.uncapturedBodyReads++; // an XML parse reading it gets judged without its text
            return -1;
        }
        if (bodyEncoded(scope)) {
            scope.uncapturedBodyReads++; // kept, but compressed: the parse's text is unseen all the same
        }
        return scope.bodyReadDepth++;
    }

    private static RequestContext bodyReadExit(int level) {
        if (level < 0) {
            return null;
        }
        RequestScope scope = CURRENT.get();
        if (scope == null) {
            return null;
        }
        scope.bodyReadDepth = level;
        return level == 0 ? scope.context : null;
    }

    /** read(byte[], int, int), readLine(byte[], int, int): {@code n} bytes at {@code off}. */
    public static void onBodyBytes(int level, byte[] b, int off, int n) {
        RequestContext context = bodyReadExit(level);
        if (context != null && b != null && n > 0) {
            try {
                context.appendBody(b, off, n);
            } catch (Throwable t) {
                internalError(hooks, t);
            }
        }
    }

    /** read(): the byte, or -1 at the end. */
    public static void onBodyByte(int level, int value) {
        RequestContext context = bodyReadExit(level);
        if (context != null && value >= 0) {
            context.appendBodyByte(value);
        }
    }

    /** read(ByteBuffer): the {@code n} bytes just before the buffer's position. */
    public static void onBodyBuffer(int level, ByteBuffer buffer, int n) {
        RequestContext context = bodyReadExit(level);
        if (context != null && buffer != null && n > 0) {
            try {
                ByteBuffer view = buffer.duplicate();
                int end = view.position();
                int start = Math.max(0, end - n);
                byte[] copy = new byte[end - start];
                view.position(start);
                view.get(copy);
                context.appendBody(copy, 0, copy.length);
            } catch (Throwable t) {
                internalError(hooks, t);
            }
        }
    }

    /** Reader.read(char[], int, int): {@code n} chars at {@code off}, kept as UTF-8. */
    public static void onBodyChars(int level, char[] c, int off, int n) {
        RequestContext context = bodyReadExit(level);
        if (context != null && c != null && n > 0) {
            try {
                context.appendBodyChars(c, off, n);
            } catch (Throwable t) {
                internalError(hooks, t);
            }
        }
    }

    /** Reader.read(): the char, or -1 at the end. */
    public static void onBodyChar(int level, int value) {
        RequestContext context = bodyReadExit(level);
        if (context != null && value >= 0) {
            context.appendBodyChar((char) value);
        }
    }

    /** BufferedReader.readLine(): the line without its terminator (kept as one '\n'). */
    public static void onBodyLine(int level, String line) {
        RequestContext context = bodyReadExit(level);
        if (context != null && line != null) {
            context.appendBodyLine(line);
        }
    }

    static void internalError(Throwable t) {
        internalError(hooks, t);
    }

    private static void internalError(RaspHooks h, Throwable t) {
        if (h != null) {
            try {
                h.internalError(t);
            } catch (Throwable ignored) {
                // the failure counter itself failed: nothing sensible left to do
            }
        }
    }
}
