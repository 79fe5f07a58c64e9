package dev.rasp.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Events reach several destinations at once: the file, an OpenTelemetry collector over
 * OTLP/HTTP (protobuf) and a syslog receiver over UDP, each counted on its own.
 *
 * <p>The collector is a loopback {@link HttpServer} in the test that decodes the protobuf with a
 * small wire-format reader (no OpenTelemetry Collector can be installed from the registries this
 * project builds from); the syslog receiver is a loopback {@link DatagramSocket}.
 */
@ExtendWith(AppLogsOnFailure.class)
class EventExportIT {

    @Test
    void aBlockReachesTheFileTheCollectorAndSyslogOnceEach() throws Exception {
        BlockingQueue<byte[]> exports = new LinkedBlockingQueue<>();
        List<String> contentTypes = new ArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        collector.createContext("/v1/logs", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                synchronized (contentTypes) {
                    contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                }
                exports.add(in.readAllBytes());
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try (DatagramSocket syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            AppProcess app = AppProcess.builder("spring-export", ItConfig.springJar()).mode("block")
                .jvmArg("-Drasp.events.otlp.endpoint=http://127.0.0.1:" + collector.getAddress().getPort())
                .jvmArg("-Drasp.events.syslog.endpoint=udp://127.0.0.1:" + syslog.getLocalPort())
                .env("OTEL_SERVICE_NAME", "shop-it")
                .env("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=it,team=a%20b")
                .start().awaitReady(Duration.ofSeconds(120));
            Http http = new Http(app.baseUrl());

            assertEquals(200, Endpoint.BY_NAME.send(http, "h2", "alice").status(), "the benign twin");
            Http.Resp blocked = Endpoint.BY_NAME.send(http, "h2", "' OR '1'='1");
            assertEquals(403, blocked.status(), blocked.toString());

            JsonNode stats = awaitWritten(http, 1);
            Map<String, JsonNode> perDestination = destinations(stats);
            assertEquals(List.of("file", "otlp", "syslog"), new ArrayList<>(perDestination.keySet()), stats.toString());
            for (JsonNode d : perDestination.values()) {
                assertEquals(1, d.path("submitted").asInt(), stats.toString());
                assertEquals(1, d.path("written").asInt(), stats.toString());
                assertEquals(0, d.path("dropped").asInt(-1), stats.toString());
                assertEquals(0, d.path("errors").asInt(-1), stats.toString());
            }

            List<String> fileLines = new EventLog(app.eventsFile()).lines();
            assertEquals(1, fileLines.size(), "one event in the file: " + fileLines);
            JsonNode event = EventLog.parse(fileLines.get(0));
            String eventId = event.path("event_id").asText();

            // The collector: one export request holding exactly one log record.
            byte[] export = exports.poll(10, TimeUnit.SECONDS);
            assertNotNull(export, "the collector received an export request");
            assertNull(exports.poll(1500, TimeUnit.MILLISECONDS), "no second export (the benign twin made no event)");
            assertEquals(List.of("application/x-protobuf"), contentTypes);
            Proto request = Proto.decode(export);
            List<Proto> resourceLogs = request.messages(1);
            assertEquals(1, resourceLogs.size());
            Map<String, String> resource = attributes(resourceLogs.get(0).message(1).messages(1));
            assertEquals("shop-it", resource.get("service.name"), resource.toString());
            assertEquals("it", resource.get("deployment.environment"), resource.toString());
            assertEquals("a b", resource.get("team"), resource.toString());
            Proto scopeLogs = resourceLogs.get(0).message(2);
            assertEquals("dev.rasp.agent", scopeLogs.message(1).string(1));
            List<Proto> records = scopeLogs.messages(2);
            assertEquals(1, records.size(), "exactly one log record");
            Proto record = records.get(0);
            assertEquals(17, record.varint(2), "severity ERROR for a block");
            assertEquals("ERROR", record.string(3));
            assertTrue(record.fixed64(1) > 0, "time_unix_nano from the event");
            assertEquals(fileLines.get(0), record.message(5).string(1), "the body is the event's JSON");
            Map<String, String> attrs = attributes(record.messages(6));
            assertEquals("sqli.tautology", attrs.get("rasp.rule.id"), attrs.toString());
            assertEquals("sqli", attrs.get("rasp.category"), attrs.toString());
            assertEquals("blocked", attrs.get("rasp.action"), attrs.toString());
            assertEquals("sql", attrs.get("rasp.sink.kind"), attrs.toString());
            assertEquals("query", attrs.get("rasp.input.source"), attrs.toString());
            assertEquals(eventId, attrs.get("rasp.event.id"), attrs.toString());
            assertEquals("/h2/users/by-name", attrs.get("url.path"), attrs.toString());

            // Syslog: one RFC 5424 datagram.
            byte[] buf = new byte[65536];
            DatagramPacket packet = new DatagramPacket(buf, buf.length);
            syslog.setSoTimeout(10_000);
            syslog.receive(packet);
            String message = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            assertTrue(message.matches("(?s)<131>1 \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z \\S+ rasp \\d+ blocked "
                + "\\[rasp@32473 event_id=\"" + eventId + "\" rule_id=\"sqli.tautology\" category=\"sqli\" action=\"blocked\" .*\\] "
                + "\uFEFF\\{.*\\}"), message);
            assertEquals(fileLines.get(0), message.substring(message.indexOf('\uFEFF') + 1), "MSG is the event");
            syslog.setSoTimeout(1000);
            try {
                syslog.receive(new DatagramPacket(buf, buf.length));
                throw new AssertionError("a second syslog message: " + new String(buf, StandardCharsets.UTF_8));
            } catch (SocketTimeoutException expected) {
                // exactly one
            }

            app.stop();
            assertTrue(app.awaitExit(Duration.ofSeconds(30)) >= 0);
            List<String> statsLines = app.stderrText().lines()
                .filter(l -> l.contains("[rasp] engine stats ")).collect(Collectors.toList());
            assertEquals(1, statsLines.size(), app.stderrText());
            JsonNode atExit = EventLog.parse(statsLines.get(0).substring(statsLines.get(0).indexOf('{')));
            for (JsonNode d : destinations(atExit).values()) {
                assertEquals(1, d.path("written").asInt(), atExit.toString());
                assertEquals(0, d.path("dropped").asInt(-1), atExit.toString());
            }
        } finally {
            collector.stop(0);
        }
    }

    /** Polls /debug/rasp-stats until every destination wrote {@code n} events (10 s). */
    private static JsonNode awaitWritten(Http http, int n) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        JsonNode stats;
        do {
            Http.Resp r = http.get("/debug/rasp-stats");
            assertEquals(200, r.status(), r.toString());
            stats = EventLog.parse(r.body());
            boolean all = stats.path("destinations").size() == 3;
            for (JsonNode d : stats.path("destinations")) {
                all &= d.path("written").asInt() >= n;
            }
            if (all) {
                return stats;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < until);
        throw new AssertionError("destinations did not all write " + n + " event(s): " + stats);
    }

    private static Map<String, JsonNode> destinations(JsonNode stats) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode d : stats.path("destinations")) {
            out.put(d.path("name").asText(), d);
        }
        return out;
    }

    /** KeyValue messages (key = 1, value = AnyValue 2 with string_value 1) as a map. */
    private static Map<String, String> attributes(List<Proto> keyValues) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Proto kv : keyValues) {
            Proto value = kv.message(2);
            out.put(kv.string(1), value == null ? null : value.string(1));
        }
        return out;
    }

    /**
     * A protobuf message read generically: each field number's values, raw (varints and fixed
     * numbers as longs, length-delimited fields as bytes, parsed as a message on demand).
     */
    static final class Proto {
        private final Map<Integer, List<Object>> fields = new LinkedHashMap<>();

        static Proto decode(byte[] bytes) {
            Proto p = new Proto();
            int[] pos = {0};
            while (pos[0] < bytes.length) {
                long tag = varint(bytes, pos);
                int field = (int) (tag >>> 3);
                int wire = (int) (tag & 7);
                Object value;
                switch (wire) {
                    case 0 -> value = varint(bytes, pos);
                    case 1 -> {
                        long v = 0;
                        for (int i = 7; i >= 0; i--) {
                            v = (v << 8) | (bytes[pos[0] + i] & 0xff);
                        }
                        pos[0] += 8;
                        value = v;
                    }
                    case 2 -> {
                        int len = (int) varint(bytes, pos);
                        ByteArrayOutputStream out = new ByteArrayOutputStream();
                        out.write(bytes, pos[0], len);
                        pos[0] += len;
                        value = out.toByteArray();
                    }
                    case 5 -> {
                        pos[0] += 4;
                        value = 0L;
                    }
                    default -> throw new AssertionError("wire type " + wire + " at " + pos[0]);
                }
                p.fields.computeIfAbsent(field, k -> new ArrayList<>()).add(value);
            }
            return p;
        }

        private static long varint(byte[] b, int[] pos) {
            long v = 0;
            for (int shift = 0; ; shift += 7) {
                byte x = b[pos[0]++];
                v |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
        }

        List<Proto> messages(int field) {
            return fields.getOrDefault(field, List.of()).stream().map(v -> decode((byte[]) v))
                .collect(Collectors.toList());
        }

        Proto message(int field) {
            List<Proto> all = messages(field);
            return all.isEmpty() ? null : all.get(0);
        }

        String string(int field) {
            List<Object> v = fields.get(field);
            return v == null ? null : new String((byte[]) v.get(0), StandardCharsets.UTF_8);
        }

        long varint(int field) {
            return (Long) fields.get(field).get(0);
        }

        long fixed64(int field) {
            return (Long) fields.get(field).get(0);
        }
    }
}
