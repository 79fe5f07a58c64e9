package dev.rasp.it.spring;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.springframework.beans.factory.annotation.Value;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Deliberately forgeable outbound requests: a "preview this URL" feature through each client the agent covers
 * (java.net.URL, the JDK's HttpClient, Spring's RestTemplate, Apache HttpClient 4 and 5, OkHttp, a raw socket), and the benign shapes the same
 * features have (the application's own service URL with input in the path; the application's own socket).
 * {@code ssrf.service} (an argument {@code --ssrf.service=} or a system property) is the application's own internal
 * service, e.g. http://127.0.0.1:8081.
 */
@RestController
@RequestMapping("/ssrf")
public class SsrfController {
    private final String service;

    public SsrfController(@Value("${ssrf.service:http://127.0.0.1:8081}") String service) {
        this.service = service;
    }

    /** java.net.URL: openStream, following redirects (HttpURLConnection's default). */
    @GetMapping("/fetch")
    public String fetch(@RequestParam String url) throws IOException {
        try (InputStream in = new URL(url).openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** java.net.http.HttpClient, following redirects. */
    @GetMapping("/client")
    public String client(@RequestParam String url) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Spring's RestTemplate with its default request factory. */
    @GetMapping("/rest")
    public String rest(@RequestParam String url) {
        return new RestTemplate().getForObject(url, String.class);
    }

    /** Apache HttpClient 5 (classic), following redirects: connects through java.net.Socket. */
    @GetMapping("/apache")
    public String apache(@RequestParam String url) throws IOException {
        try (CloseableHttpClient client = HttpClients.createDefault()) {
            return client.execute(new HttpGet(url), response -> EntityUtils.toString(response.getEntity()));
        }
    }

    /**
     * The same "preview this URL" through a named client, each following redirects: {@code okhttp} (OkHttp 4),
     * {@code apache4} (Apache HttpClient 4), {@code apache5} (Apache HttpClient 5), {@code jdk} (the JDK's
     * HttpClient), {@code webclient} (Spring WebClient over Reactor Netty).
     */
    @GetMapping("/via/{client}")
    public String via(@PathVariable String client, @RequestParam String url) throws IOException, InterruptedException {
        return fetchWith(client, url);
    }

    /** Benign: the application's own internal service through the named client; the input is only a path segment. */
    @GetMapping("/via/{client}/service")
    public String viaService(@PathVariable String client, @RequestParam String path)
            throws IOException, InterruptedException {
        return fetchWith(client, service + "/" + path);
    }

    private static String fetchWith(String client, String url) throws IOException, InterruptedException {
        switch (client) {
            case "okhttp": {
                OkHttpClient ok = new OkHttpClient.Builder().followRedirects(true).build();
                try (Response r = ok.newCall(new Request.Builder().url(url).build()).execute()) {
                    return r.body() == null ? "" : r.body().string();
                }
            }
            case "apache4": {
                try (org.apache.http.impl.client.CloseableHttpClient c = org.apache.http.impl.client.HttpClients.createDefault();
                     org.apache.http.client.methods.CloseableHttpResponse r =
                         c.execute(new org.apache.http.client.methods.HttpGet(url))) {
                    return org.apache.http.util.EntityUtils.toString(r.getEntity());
                }
            }
            case "apache5":
                try (CloseableHttpClient c = HttpClients.createDefault()) {
                    return c.execute(new HttpGet(url), response -> EntityUtils.toString(response.getEntity()));
                }
            case "jdk": {
                HttpClient c = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                    .connectTimeout(Duration.ofSeconds(5)).build();
                return c.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
            }
            case "webclient": {
                // Names resolved by the JDK (its hosts file), not by Netty's DNS client, which would query a server.
                reactor.netty.http.client.HttpClient netty = reactor.netty.http.client.HttpClient.create()
                    .resolver(io.netty.resolver.DefaultAddressResolverGroup.INSTANCE).followRedirect(true);
                return WebClient.builder().clientConnector(new ReactorClientHttpConnector(netty))
                    .build().get().uri(URI.create(url)).retrieve().bodyToMono(String.class).block(Duration.ofSeconds(10));
            }
            default:
                throw new IllegalArgumentException("unknown client " + client);
        }
    }

    /** A raw socket to a host and port the request names ("test the connection" features). */
    @GetMapping("/socket")
    public String socket(@RequestParam String host, @RequestParam int port) throws IOException {
        return httpGetOverSocket(host, port, "/secret");
    }

    /** Benign: the application's own internal service; the input is only a path segment. */
    @GetMapping("/service")
    public String service(@RequestParam String path) throws IOException {
        try (InputStream in = new URL(service + "/" + path).openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Benign: the application's own socket to its internal service; the input is only the request path. */
    @GetMapping("/service-socket")
    public String serviceSocket(@RequestParam String path) throws IOException {
        URI own = URI.create(service);
        return httpGetOverSocket(own.getHost(), own.getPort(), "/" + path);
    }

    private static String httpGetOverSocket(String host, int port, String path) throws IOException {
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.0\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int body = response.indexOf("\r\n\r\n");
            return body < 0 ? response : response.substring(body + 4);
        }
    }
}
