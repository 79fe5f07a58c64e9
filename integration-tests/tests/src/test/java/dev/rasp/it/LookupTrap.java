package dev.rasp.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The attacker's LDAP/RMI server, on loopback: a listener on 127.0.0.1 (port 0) that counts the connections it
 * receives and closes each at once (the JDK's LDAP client then fails its bind instead of waiting). A connection is the
 * proof that a JNDI lookup left the JVM for the host the attacker named.
 */
final class LookupTrap implements AutoCloseable {
    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();

    LookupTrap() {
        try {
            socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        Thread t = new Thread(this::accept, "lookup-trap");
        t.setDaemon(true);
        t.start();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                connections.incrementAndGet();
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                // keep listening
            }
        }
    }

    int port() {
        return socket.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** Whether a connection beyond {@code before} arrives within {@code millis}. */
    boolean connectedSince(int before, long millis) {
        long end = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < end) {
            if (connections.get() > before) {
                return true;
            }
            AppProcess.sleep(50);
        }
        return connections.get() > before;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }
}
