package dev.rasp.it.javax;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.servlet.DispatcherType;
import javax.servlet.MultipartConfigElement;
import javax.servlet.http.HttpServlet;
import javax.websocket.server.ServerEndpointConfig;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.eclipse.jetty.websocket.javax.server.config.JavaxWebSocketServletContainerInitializer;

/**
 * A deliberately vulnerable javax.servlet 4 application on embedded Jetty 10: plain HttpServlets, two filters,
 * H2 + SQLite + HSQLDB over plain JDBC. Never deploy this. {@code /handoff/servlet-async} and {@code /handoff/dispatch}
 * ({@link HandOffServlets}) run the by-name lookup off the serving thread (async support on them and on the filters).
 * {@code ws://../ws/jsr/lookup}, {@code /ws/jsr/lookup-param?name=}, {@code /ws/jsr/lookup-sh} and
 * {@code /ws/jsr-handler/lookup}, {@code /ws/jsr/lookup-header} and {@code /ws/jsr/lookup-cookie} are javax.websocket
 * endpoints ({@link WsEndpoints}).
 *
 * <p>Arguments: {@code --server.port=N} (default 8080), {@code --sqlite.dir=DIR} (default: a fresh temp dir),
 * {@code --rasp.it.filesBase=DIR} (base directory of the file and command servlets, see {@link FileArea}).
 */
public final class JettyMain {
    private JettyMain() {}

    public static void main(String[] args) throws Exception {
        int port = 8080;
        String sqliteDir = "";
        String filesBase = "";
        for (String a : args) {
            if (a.startsWith("--server.port=")) {
                port = Integer.parseInt(a.substring("--server.port=".length()));
            } else if (a.startsWith("--sqlite.dir=")) {
                sqliteDir = a.substring("--sqlite.dir=".length());
            } else if (a.startsWith("--rasp.it.filesBase=")) {
                filesBase = a.substring("--rasp.it.filesBase=".length());
            } else {
                throw new IllegalArgumentException("unknown argument " + a);
            }
        }
        Path dir = sqliteDir.isEmpty() ? Files.createTempDirectory("rasp-it-javax-sqlite") : Files.createDirectories(Path.of(sqliteDir));

        Map<String, Db> dbs = new LinkedHashMap<>();
        dbs.put("h2", Db.h2("jdbc:h2:mem:raspjavax;DB_CLOSE_DELAY=-1"));
        dbs.put("sqlite", Db.driverManager("jdbc:sqlite:" + dir.resolve("app.db").toAbsolutePath()));
        dbs.put("hsqldb", Db.driverManager("jdbc:hsqldb:mem:raspjavax;user=SA;password="));
        for (Db db : dbs.values()) {
            db.reset();
        }

        Server server = new Server(port);
        ServletContextHandler ctx = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        ctx.setContextPath("/");
        FileArea files = new FileArea(filesBase);
        // first in the chain: a sink in a filter, before any servlet and any other filter
        ctx.addFilter(new FilterHolder(new FileReadingFilter(files)), "/filter/*", EnumSet.of(DispatcherType.REQUEST));
        // async support on every filter: the hand-off servlets start async requests through this chain
        ctx.addFilter(asyncSupported(new FilterHolder(new EncodingFilter())), "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addFilter(asyncSupported(new FilterHolder(new AccessLogFilter())), "/*", EnumSet.of(DispatcherType.REQUEST));
        ctx.addServlet(new ServletHolder(new Servlets.Health()), "/health");
        for (Map.Entry<String, Db> e : dbs.entrySet()) {
            String p = "/" + e.getKey();
            Db db = e.getValue();
            add(ctx, p + "/users/by-name", new Servlets.ByName(db));
            add(ctx, p + "/users/by-id", new Servlets.ById(db));
            add(ctx, p + "/users/delete", new Servlets.Delete(db));
            add(ctx, p + "/form/by-name", new Servlets.FormByName(db));
            add(ctx, p + "/json/by-name", new Servlets.JsonByName(db));
            add(ctx, p + "/header/by-name", new Servlets.HeaderByName(db));
            add(ctx, p + "/cookie/by-name", new Servlets.CookieByName(db));
            add(ctx, p + "/catching/by-name", new Servlets.Catching(db));
            add(ctx, p + "/safe/by-name", new Servlets.SafeByName(db));
            add(ctx, p + "/safe/by-id", new Servlets.SafeById(db));
            add(ctx, p + "/state", new Servlets.State(db));
            add(ctx, "/reset" + p, new Servlets.Reset(db));
        }
        // the lookup of /h2/users/by-name off the serving thread: AsyncContext.start and an async dispatch
        ServletHolder servletAsync = new ServletHolder(new HandOffServlets.ServletAsync(dbs.get("h2"), false));
        servletAsync.setAsyncSupported(true);
        ctx.addServlet(servletAsync, "/handoff/servlet-async");
        ServletHolder servletAsyncHeld = new ServletHolder(new HandOffServlets.ServletAsync(dbs.get("h2"), true));
        servletAsyncHeld.setAsyncSupported(true);
        ctx.addServlet(servletAsyncHeld, "/handoff/servlet-async-held");
        ServletHolder dispatch = new ServletHolder(new HandOffServlets.Dispatch("/h2/users/by-name"));
        dispatch.setAsyncSupported(true);
        ctx.addServlet(dispatch, "/handoff/dispatch");
        // the same lookup on h2, the name read through Jetty's form decoding and Jackson (SourcesServlets)
        for (Map.Entry<String, Servlets.JdbcServlet> e : SourcesServlets.all(dbs.get("h2")).entrySet()) {
            add(ctx, e.getKey(), e.getValue());
        }
        // multipart bodies parsed by Apache Commons FileUpload (SourcesServlets.fileUpload), no multipart config
        for (Map.Entry<String, HttpServlet> e : SourcesServlets.fileUpload(dbs.get("h2"), files).entrySet()) {
            add(ctx, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, HttpServlet> e : SinkServlets.all(files).entrySet()) {
            ServletHolder h = new ServletHolder(e.getValue());
            if (e.getKey().equals("/files/upload-multipart")) {
                h.getRegistration().setMultipartConfig(new MultipartConfigElement(files.tmp.toString()));
            }
            ctx.addServlet(h, e.getKey());
        }
        for (Map.Entry<String, HttpServlet> e : SsrfServlets.all().entrySet()) {
            add(ctx, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, HttpServlet> e : JndiServlets.all().entrySet()) {
            add(ctx, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, HttpServlet> e : DeserServlets.all().entrySet()) {
            add(ctx, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, HttpServlet> e : XxeServlets.all().entrySet()) {
            add(ctx, e.getKey(), e.getValue());
        }
        for (Map.Entry<String, HttpServlet> e : ExprServlets.all().entrySet()) {
            add(ctx, e.getKey(), e.getValue());
        }
        // javax.websocket endpoints (WsEndpoints): each message is a request of its own
        WsEndpoints.init(dbs.get("h2"));
        JavaxWebSocketServletContainerInitializer.configure(ctx, (servletContext, container) -> {
            container.addEndpoint(WsEndpoints.Lookup.class);
            container.addEndpoint(WsEndpoints.LookupParam.class);
            container.addEndpoint(WsEndpoints.LookupSh.class);
            container.addEndpoint(WsEndpoints.LookupHeader.class);
            container.addEndpoint(WsEndpoints.LookupCookie.class);
            container.addEndpoint(ServerEndpointConfig.Builder
                .create(WsEndpoints.HandlerEndpoint.class, "/ws/jsr-handler/lookup").build());
        });
        server.setHandler(ctx);
        server.setStopAtShutdown(true);
        server.start();
        System.out.println("javax-app: Jetty started on port " + port);
        server.join();
    }

    private static FilterHolder asyncSupported(FilterHolder h) {
        h.setAsyncSupported(true);
        return h;
    }

    private static void add(ServletContextHandler ctx, String path, HttpServlet servlet) {
        ctx.addServlet(new ServletHolder(servlet), path);
    }
}
