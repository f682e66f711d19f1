package io.eddy.server.testing;

import io.eddy.protocol.Action;
import io.eddy.protocol.AuthAction;
import io.eddy.protocol.ConnectionAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.codec.MalformedMessageException;
import io.eddy.protocol.codec.MessageCodec;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A frame-level test client on the JDK's WebSocket: it sends exactly the bytes a test wants (including malformed
 * ones and text frames) and decodes what arrives, one message per frame, as the official client does.
 */
public final class RawClient implements AutoCloseable {

    /** How long a test waits for an expected message before failing. */
    public static final Duration WAIT = Duration.ofSeconds(5);

    private final LinkedBlockingQueue<Message> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final WebSocket socket;
    private volatile boolean reading = true;
    private volatile boolean multiMessageFrames;

    private RawClient(URI uri) {
        socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(WAIT)
                .buildAsync(uri, new Listener())
                .orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS)
                .join();
    }

    public static RawClient connect(URI uri) {
        return new RawClient(uri);
    }

    /** Connects, sends CHALLENGE and AUTH REQUEST with open-auth data, and waits for the login to succeed. */
    public static RawClient login(URI uri, String username) {
        RawClient c = connect(uri);
        c.challenge();
        c.send(Message.of(AuthAction.REQUEST).data("{\"username\":\"" + username + "\"}"));
        c.expect(AuthAction.AUTH_SUCCESSFUL);
        return c;
    }

    public void challenge() {
        send(Message.of(ConnectionAction.CHALLENGE).url("ws://test/deepstream").protocolVersion("0.1a")
                .sdkVersion("7.0.5").sdkType("javascript"));
        expect(ConnectionAction.ACCEPT);
    }

    public void send(Message message) {
        sendBytes(MessageCodec.encode(message));
    }

    public void sendBytes(byte[] frame) {
        socket.sendBinary(ByteBuffer.wrap(frame), true).orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** Sends and ignores a failure, for frames the server may refuse by closing before it has read them all. */
    public void trySendBytes(byte[] frame) {
        try {
            sendBytes(frame);
        } catch (RuntimeException expected) {
            // the server closed first
        }
    }

    /** Decode every message of a frame from now on (after negotiating Eddy's multi-message frames). */
    public void acceptMultiMessageFrames() {
        multiMessageFrames = true;
    }

    public void sendText(String text) {
        socket.sendText(text, true).orTimeout(WAIT.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    /** The next message, failing the test if none arrives in time. */
    public Message next() {
        return next(WAIT);
    }

    public Message next(Duration within) {
        try {
            Message m = inbox.poll(within.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                fail("no message within " + within + (closed.isDone() ? " (connection closed: " + closed.join() + ")" : ""));
            }
            return m;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next message, or null if none arrives in time. */
    public Message poll(Duration within) {
        try {
            return inbox.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The next message, which must have the given action. */
    public Message expect(Action action) {
        Message m = next();
        assertEquals(action.topic(), m.topic(), () -> "expected " + action + " but got " + m);
        assertEquals(action.code(), m.action(), () -> "expected " + action + " but got " + m);
        return m;
    }

    /** Skips messages until one matches, failing after {@link #WAIT}. */
    public Message awaitMatching(Predicate<Message> condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<Message> skipped = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            try {
                Message m = inbox.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (m == null) {
                    break;
                }
                if (condition.test(m)) {
                    return m;
                }
                skipped.add(m);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        return fail("no matching message within " + WAIT + "; skipped " + skipped);
    }

    /** Asserts that nothing arrives for the given time. */
    public void expectNothing(Duration quiet) {
        try {
            Message m = inbox.poll(quiet.toMillis(), TimeUnit.MILLISECONDS);
            if (m != null) {
                fail("expected no message but got " + m);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Waits for the server to close the connection and returns the close code. */
    public int awaitClose(Duration within) {
        try {
            return closed.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return fail("connection not closed within " + within);
        }
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Stops reading from the socket, so the server's writes back up as with a slow client. */
    public void stopReading() {
        reading = false;
    }

    public int pending() {
        return inbox.size();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            socket.abort();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final ByteArrayOutputStream partial = new ByteArrayOutputStream();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            partial.writeBytes(chunk);
            if (last) {
                byte[] frame = partial.toByteArray();
                partial.reset();
                try {
                    List<Message> messages = MessageCodec.decodeAll(frame, 0, frame.length);
                    if (messages.size() > 1 && !multiMessageFrames) {
                        // the official client would silently lose all but the first
                        inbox.add(new Message(io.eddy.protocol.Topic.UNKNOWN, -1)
                                .data("SERVER PACKED " + messages.size() + " MESSAGES INTO A STANDARD FRAME"));
                    } else {
                        inbox.addAll(messages);
                    }
                } catch (MalformedMessageException e) {
                    inbox.add(new Message(io.eddy.protocol.Topic.UNKNOWN, -1).data("UNDECODABLE FRAME: " + e));
                }
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            inbox.add(new Message(io.eddy.protocol.Topic.UNKNOWN, -1).data("TEXT:" + data));
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(1006);
        }
    }

}
