package io.eddy.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between test clients and the server: the network the client sees, which tests can break. It can
 * drop every connection at once (a reset, no WebSocket close), refuse new ones, or stop delivering the server's
 * bytes on the open ones, and it counts the binary WebSocket frames of each connection in both directions.
 */
final class TcpProxy implements AutoCloseable {

    /** One proxied connection. */
    static final class Link {
        final Socket client;
        final Socket upstream;
        final FrameCounter fromClient = new FrameCounter();
        final FrameCounter fromServer = new FrameCounter();
        volatile boolean blackhole;

        Link(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void reset() {
            resetQuietly(client);
            resetQuietly(upstream);
        }
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Link> links = new CopyOnWriteArrayList<>();
    private final AtomicInteger refused = new AtomicInteger();
    private volatile boolean refusing;

    TcpProxy(int targetPort) throws IOException {
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(this::acceptLoop, "tcp-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI uri() {
        return URI.create("ws://127.0.0.1:" + server.getLocalPort() + "/deepstream");
    }

    /** Connections made through the proxy, oldest first (refused ones are not counted). */
    List<Link> links() {
        return List.copyOf(links);
    }

    int refusedCount() {
        return refused.get();
    }

    /** New connections are reset as soon as they are accepted, until called with false. */
    void refuse(boolean refuse) {
        this.refusing = refuse;
    }

    /** Breaks every open connection with a TCP reset: both ends see the network fail, without a close frame. */
    void dropAll() {
        for (Link link : links) {
            link.reset();
        }
    }

    /** The server's bytes on every open connection are swallowed from now on; new connections work. */
    void blackholeAll() {
        for (Link link : links) {
            link.blackhole = true;
        }
    }

    @Override
    public void close() {
        refusing = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        dropAll();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            if (refusing) {
                refused.incrementAndGet();
                resetQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                Link link = new Link(client, upstream);
                links.add(link);
                pump(link, client, upstream, link.fromClient, false);
                pump(link, upstream, client, link.fromServer, true);
            } catch (IOException e) {
                resetQuietly(client);
            }
        }
    }

    private static void pump(Link link, Socket from, Socket to, FrameCounter counter, boolean fromServer) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    if (fromServer && link.blackhole) {
                        continue;
                    }
                    counter.feed(buffer, 0, n);
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // the other side or a test broke the connection
            } finally {
                link.reset();
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void resetQuietly(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0);
                socket.close();
            }
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Counts binary WebSocket frames in one direction of a connection, after the HTTP upgrade. */
    static final class FrameCounter {
        private static final byte[] END_OF_HEADERS = {'\r', '\n', '\r', '\n'};

        private final AtomicInteger binaryFrames = new AtomicInteger();
        private boolean inHttpHeaders = true;
        private int headerEndMatched;
        private final byte[] header = new byte[14];
        private int headerLength;
        private long payloadLeft;

        int binaryFrames() {
            return binaryFrames.get();
        }

        void feed(byte[] buffer, int offset, int length) {
            int i = offset;
            int end = offset + length;
            while (i < end) {
                if (inHttpHeaders) {
                    byte b = buffer[i++];
                    headerEndMatched = b == END_OF_HEADERS[headerEndMatched] ? headerEndMatched + 1 : b == '\r' ? 1 : 0;
                    inHttpHeaders = headerEndMatched < END_OF_HEADERS.length;
                } else if (payloadLeft > 0) {
                    int n = (int) Math.min(payloadLeft, end - i);
                    i += n;
                    payloadLeft -= n;
                } else {
                    header[headerLength++] = buffer[i++];
                    if (headerLength >= 2 && headerLength == headerSize()) {
                        if ((header[0] & 0x0f) == 2) {
                            binaryFrames.incrementAndGet();
                        }
                        payloadLeft = payloadLength();
                        headerLength = 0;
                    }
                }
            }
        }

        private int headerSize() {
            int length7 = header[1] & 0x7f;
            int extended = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
            int mask = (header[1] & 0x80) != 0 ? 4 : 0;
            return 2 + extended + mask;
        }

        private long payloadLength() {
            int length7 = header[1] & 0x7f;
            if (length7 < 126) {
                return length7;
            }
            int bytes = length7 == 126 ? 2 : 8;
            long length = 0;
            for (int k = 0; k < bytes; k++) {
                length = (length << 8) | (header[2 + k] & 0xff);
            }
            return length;
        }
    }
}
