package io.eddy.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.eddy.protocol.AuthAction;
import io.eddy.protocol.ConnectionAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.Topic;
import io.eddy.protocol.codec.MalformedMessageException;
import io.eddy.protocol.codec.MessageCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.concurrent.ScheduledFuture;

import javax.net.ssl.SSLException;
import java.net.URI;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The connection-level protocol of one client: sockets, handshake, login, heartbeats, reconnects and redirects
 * (protocol reference §6–§9), and the routing of topic messages to their {@link TopicHandler}.
 * <p>
 * All state is confined to one event loop, chosen once from the group: every socket of this client is registered
 * on it, its timers run on it, and public calls hop onto it with {@link #execute}. That makes the whole client
 * lock-free and keeps the order of everything a caller does.
 */
final class Connection {

    /** CHALLENGE/ACCEPT data by which Eddy's multi-message frames are negotiated. */
    static final String MULTI_MESSAGE_FRAMES = "{\"eddy\":{\"multiMessageFrames\":true}}";

    private static final byte[] PING = MessageCodec.encode(Message.of(ConnectionAction.PING));
    private static final byte[] PONG = MessageCodec.encode(Message.of(ConnectionAction.PONG));

    private final ClientOptions options;
    private final EventLoop loop;
    private final EventLoopGroup ownedGroup;
    private final Notifier notifier;
    private final SslContext tls;
    private final Map<Topic, TopicHandler> handlers = new EnumMap<>(Topic.class);

    private volatile ConnectionState state = ConnectionState.AWAITING_CONNECTION;

    // confined to the event loop
    private Channel channel;
    private Outbox outbox;
    private boolean channelErrorReported;
    private long lastReceivedNanos;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> reconnect;
    private int reconnectAttempt;
    private URI redirectTarget;
    private boolean sessionOpen;
    private int sessionEpoch;
    private String authData;
    private CompletableFuture<LoginResult> pendingLogin;

    Connection(ClientOptions options, EventLoopGroup group, boolean ownsGroup, Notifier notifier) {
        this.options = options;
        this.loop = group.next();
        this.ownedGroup = ownsGroup ? group : null;
        this.notifier = notifier;
        this.tls = "wss".equals(options.url().getScheme()) ? DefaultTls.CONTEXT : null;
    }

    void register(Topic topic, TopicHandler handler) {
        handlers.put(topic, handler);
    }

    void start() {
        execute(() -> connect(options.url()));
    }

    // ---- for the API and the topic handlers ------------------------------------------------------------------

    EventLoop loop() {
        return loop;
    }

    ConnectionState state() {
        return state;
    }

    /** Logged in on the current socket: topic messages may be sent. */
    boolean isOpen() {
        return sessionOpen;
    }

    boolean isStopped() {
        return state.isFinal();
    }

    /** Counts logins; answers meant for an earlier session must not reach the server in a later one. */
    int epoch() {
        return sessionEpoch;
    }

    EddyClientException stoppedException() {
        return new EddyClientException(Topic.CONNECTION, "IS_CLOSED", "the client is " + state);
    }

    /** Runs the task on the client's event loop: now when already there, else queued in call order. */
    boolean execute(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
            return true;
        }
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException e) {
            return false; // the client was closed and its own event loop is gone
        }
    }

    void execute(Runnable task, CompletableFuture<?> failIfRejected) {
        if (!execute(task)) {
            failIfRejected.completeExceptionally(new EddyClientException(Topic.CONNECTION, "IS_CLOSED",
                    "the client is " + state));
        }
    }

    /** Queues a message on the current socket; dropped when there is none. Event loop only. */
    void write(Message message) {
        if (outbox != null) {
            outbox.add(MessageCodec.encode(message));
        }
    }

    /** Queues an already encoded message on the current socket, whatever the state; see {@link EddyClient#send}. */
    void writeEncoded(byte[] message) {
        if (outbox != null) {
            outbox.add(message);
        }
    }

    void login(String authJson, CompletableFuture<LoginResult> result) {
        execute(() -> {
            if (state.isFinal()) {
                result.completeExceptionally(stoppedException());
            } else if (pendingLogin != null) {
                result.completeExceptionally(new EddyClientException(Topic.AUTH, "LOGIN_IN_PROGRESS", null));
            } else if (sessionOpen) {
                result.completeExceptionally(new EddyClientException(Topic.AUTH, "ALREADY_AUTHENTICATED", null));
            } else {
                authData = authJson;
                pendingLogin = result;
                if (state == ConnectionState.AWAITING_AUTHENTICATION) {
                    sendAuth();
                }
            }
        }, result);
    }

    void close() {
        execute(() -> {
            if (state == ConnectionState.CLOSED) {
                return;
            }
            Channel open = channel;
            stop(ConnectionState.CLOSED, new EddyClientException(Topic.CONNECTION, "IS_CLOSED",
                    "the client was closed"), false);
            if (ownedGroup != null) {
                if (open != null) {
                    open.closeFuture().addListener(f -> ownedGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS));
                } else {
                    ownedGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
                }
            }
        });
    }

    // ---- socket lifecycle, called by the pipeline on the event loop -------------------------------------------

    private void connect(URI url) {
        channelErrorReported = false;
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(options.channelType())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) options.connectTimeout().toMillis())
                .handler(new ClientPipeline(url, tls, options, this));
        ChannelFuture connecting = bootstrap.connect(host(url), port(url));
        Channel opening = connecting.channel();
        channel = opening;
        opening.closeFuture().addListener(f -> onClosed(opening));
        connecting.addListener(f -> {
            if (!f.isSuccess()) {
                onFailure(opening, f.cause());
            }
        });
    }

    /** The WebSocket handshake completed: the protocol starts with CHALLENGE. */
    void onOpen(Channel socket) {
        if (socket != channel || state.isFinal()) {
            return;
        }
        outbox = new Outbox(socket);
        lastReceivedNanos = System.nanoTime();
        long interval = options.heartbeatInterval().toNanos();
        heartbeat = loop.scheduleAtFixedRate(this::heartbeat, interval, interval, TimeUnit.NANOSECONDS);
        Message challenge = Message.of(ConnectionAction.CHALLENGE)
                .url(options.url().toString())
                .protocolVersion(ClientOptions.PROTOCOL_VERSION)
                .sdkVersion(ClientOptions.SDK_VERSION)
                .sdkType(ClientOptions.SDK_TYPE);
        if (options.multiMessageFrames()) {
            challenge.data(MULTI_MESSAGE_FRAMES);
        }
        write(challenge);
        setState(ConnectionState.CHALLENGING);
    }

    void onFrame(Channel socket, ByteBuf content) {
        if (socket != channel || state.isFinal()) {
            return;
        }
        lastReceivedNanos = System.nanoTime();
        byte[] frame = ByteBufUtil.getBytes(content);
        List<Message> messages;
        try {
            // every message of the frame, negotiated or not: a server that packs ACCEPT with what follows it
            // cannot be told apart from one that granted packing in that very ACCEPT, and servers that do not pack
            // send one message per frame anyway
            messages = MessageCodec.decodeAll(frame, 0, frame.length);
        } catch (MalformedMessageException e) {
            notifier.error(Topic.PARSER, "MESSAGE_PARSE_ERROR", e.getMessage());
            return;
        }
        for (Message message : messages) {
            if (socket != channel || state.isFinal() || state == ConnectionState.REDIRECTING) {
                return; // a callback closed the client, or the server sent us elsewhere
            }
            notifier.rawMessage(message);
            dispatch(message);
        }
    }

    /** Any other WebSocket frame still proves the server is there. */
    void onOtherFrame(Channel socket) {
        if (socket == channel) {
            lastReceivedNanos = System.nanoTime();
        }
    }

    void onFailure(Channel socket, Throwable cause) {
        if (socket != channel) {
            return;
        }
        if (!channelErrorReported && !state.isFinal()) {
            channelErrorReported = true;
            notifier.error(Topic.CONNECTION, "CONNECTION_ERROR", describe(cause));
        }
        socket.close();
    }

    private void onClosed(Channel socket) {
        if (socket != channel) {
            return;
        }
        channel = null;
        outbox = null;
        cancel(heartbeat);
        heartbeat = null;
        if (state.isFinal()) {
            return;
        }
        if (state == ConnectionState.REDIRECTING && redirectTarget != null) {
            URI target = redirectTarget;
            redirectTarget = null;
            connect(target);
            return;
        }
        if (sessionOpen) {
            sessionOpen = false;
            setState(ConnectionState.RECONNECTING);
            for (TopicHandler handler : handlers.values()) {
                if (state.isFinal()) {
                    return; // a listener closed the client
                }
                handler.onSessionLost();
            }
        }
        if (!state.isFinal()) {
            scheduleReconnect();
        }
    }

    private void scheduleReconnect() {
        if (reconnectAttempt >= options.maxReconnectAttempts()) {
            int attempts = reconnectAttempt;
            stop(ConnectionState.ERROR, new EddyClientException(Topic.CONNECTION, "MAX_RECONNECTION_ATTEMPTS_REACHED",
                    attempts + " attempts"), true);
            notifier.error(Topic.CONNECTION, "MAX_RECONNECTION_ATTEMPTS_REACHED", String.valueOf(attempts));
            return;
        }
        long delay = options.reconnectDelayMillis(reconnectAttempt++);
        setState(ConnectionState.RECONNECTING);
        if (state == ConnectionState.RECONNECTING) {
            reconnect = loop.schedule(() -> {
                reconnect = null;
                if (!state.isFinal()) {
                    connect(options.url());
                }
            }, delay, TimeUnit.MILLISECONDS);
        }
    }

    private void heartbeat() {
        Channel socket = channel;
        if (socket == null || outbox == null) {
            return;
        }
        long silentNanos = System.nanoTime() - lastReceivedNanos;
        if (silentNanos > 2 * options.heartbeatInterval().toNanos()) {
            notifier.error(Topic.CONNECTION, "HEARTBEAT_TIMEOUT",
                    "nothing received for " + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms");
            // no close handshake: the server is not answering, and the socket may be dead
            socket.pipeline().firstContext().close();
            return;
        }
        outbox.add(PING);
    }

    // ---- protocol -------------------------------------------------------------------------------------------

    private void dispatch(Message message) {
        switch (message.topic()) {
            case CONNECTION -> onConnectionMessage(message);
            case AUTH -> onAuthMessage(message);
            case PARSER -> notifier.error(Topic.PARSER, message.typedAction().name(), parserDetail(message));
            default -> {
                TopicHandler handler = handlers.get(message.topic());
                if (handler != null) {
                    handler.handle(message);
                } // other topics only answer what a caller sent raw; its onMessage listener has seen them
            }
        }
    }

    private void onConnectionMessage(Message message) {
        ConnectionAction action = ConnectionAction.of(message.action());
        switch (action) {
            case PING -> writeEncoded(PONG);
            case PONG -> { }
            case ACCEPT -> onAccepted(message);
            case REJECT -> {
                stop(ConnectionState.CHALLENGE_DENIED, new EddyClientException(Topic.CONNECTION, "CHALLENGE_DENIED",
                        message.data()), true);
                notifier.error(Topic.CONNECTION, "CHALLENGE_DENIED", message.data());
            }
            case REDIRECT -> onRedirect(message);
            case AUTHENTICATION_TIMEOUT -> {
                stop(ConnectionState.AUTHENTICATION_TIMEOUT, new EddyClientException(Topic.CONNECTION,
                        "AUTHENTICATION_TIMEOUT", null), true);
                notifier.error(Topic.CONNECTION, "AUTHENTICATION_TIMEOUT", null);
            }
            case INVALID_MESSAGE, ERROR -> notifier.error(Topic.CONNECTION, action.name(), message.data());
            default -> notifier.error(Topic.CONNECTION, "UNSOLICITED_MESSAGE", message.toString());
        }
    }

    private void onAccepted(Message accept) {
        if (state != ConnectionState.CHALLENGING) {
            notifier.error(Topic.CONNECTION, "UNSOLICITED_MESSAGE", accept.toString());
            return;
        }
        // the server speaks the protocol: only now does a failing server stop counting as a reconnect attempt
        reconnectAttempt = 0;
        if (options.multiMessageFrames() && grantsMultiMessageFrames(accept.data())) {
            outbox.enablePacking();
        }
        setState(ConnectionState.AWAITING_AUTHENTICATION);
        if (authData != null && state == ConnectionState.AWAITING_AUTHENTICATION) {
            sendAuth();
        }
    }

    private void onRedirect(Message redirect) {
        if (state != ConnectionState.CHALLENGING) {
            // a redirect is the server's answer to CHALLENGE; later it would strand a logged-in session
            notifier.error(Topic.CONNECTION, "UNSOLICITED_MESSAGE", redirect.toString());
            return;
        }
        URI target;
        try {
            target = EddyClient.Builder.normalize(URI.create(redirect.url()));
        } catch (RuntimeException e) {
            notifier.error(Topic.CONNECTION, "UNSOLICITED_MESSAGE", "REDIRECT to an invalid URL: " + redirect.url());
            return;
        }
        redirectTarget = target;
        setState(ConnectionState.REDIRECTING);
        if (channel != null) {
            channel.close();
        }
    }

    private void sendAuth() {
        write(Message.of(AuthAction.REQUEST).data(authData));
        setState(ConnectionState.AUTHENTICATING);
    }

    private void onAuthMessage(Message message) {
        AuthAction action = AuthAction.of(message.action());
        switch (action) {
            case AUTH_SUCCESSFUL -> onLoggedIn(message);
            case AUTH_UNSUCCESSFUL -> onLoginRefused(message);
            case TOO_MANY_AUTH_ATTEMPTS -> {
                stop(ConnectionState.TOO_MANY_AUTH_ATTEMPTS, new EddyClientException(Topic.AUTH,
                        "TOO_MANY_AUTH_ATTEMPTS", null), true);
                notifier.error(Topic.AUTH, "TOO_MANY_AUTH_ATTEMPTS", null);
            }
            case INVALID_MESSAGE_DATA -> {
                // the server refuses the auth data itself and closes; sending it again could only repeat that
                authData = null;
                failLogin(new EddyClientException(Topic.AUTH, "INVALID_MESSAGE_DATA", message.data()));
                notifier.error(Topic.AUTH, "INVALID_MESSAGE_DATA", message.data());
            }
            case INVALID_MESSAGE, ERROR -> notifier.error(Topic.AUTH, action.name(), message.data());
            default -> notifier.error(Topic.AUTH, "UNSOLICITED_MESSAGE", message.toString());
        }
    }

    private void onLoggedIn(Message success) {
        if (state != ConnectionState.AUTHENTICATING) {
            notifier.error(Topic.AUTH, "UNSOLICITED_MESSAGE", success.toString());
            return;
        }
        sessionOpen = true;
        sessionEpoch++;
        state = ConnectionState.OPEN;
        // restore before any user code runs: a listener or login callback that subscribes must find the client
        // already restored, or the name would be subscribed twice
        for (TopicHandler handler : handlers.values()) {
            handler.onSessionOpened();
        }
        CompletableFuture<LoginResult> login = pendingLogin;
        pendingLogin = null;
        notifier.state(ConnectionState.OPEN);
        if (login != null) {
            login.complete(LoginResult.success(parse(success.data())));
        }
    }

    private void onLoginRefused(Message refusal) {
        if (state != ConnectionState.AUTHENTICATING) {
            notifier.error(Topic.AUTH, "UNSOLICITED_MESSAGE", refusal.toString());
            return;
        }
        // refused data is not sent again by itself after a reconnect; the caller has to log in anew
        authData = null;
        CompletableFuture<LoginResult> login = pendingLogin;
        pendingLogin = null;
        setState(ConnectionState.AWAITING_AUTHENTICATION);
        LoginResult result = LoginResult.failure(refusal.data() == null ? null : parse(refusal.data()));
        if (login != null) {
            login.complete(result);
        } else {
            notifier.error(Topic.AUTH, "REAUTHENTICATION_FAILURE", result.reason().toString());
        }
    }

    /** Ends the client in a final state: no reconnect; everything that waits fails with {@code cause}. */
    private void stop(ConnectionState finalState, EddyClientException cause, boolean reportDiscarded) {
        cancel(reconnect);
        reconnect = null;
        cancel(heartbeat);
        heartbeat = null;
        sessionOpen = false;
        setState(finalState);
        failLogin(cause);
        for (TopicHandler handler : handlers.values()) {
            handler.onStopped(cause, reportDiscarded);
        }
        if (channel != null) {
            channel.close();
        }
    }

    private void failLogin(EddyClientException cause) {
        CompletableFuture<LoginResult> login = pendingLogin;
        pendingLogin = null;
        if (login != null) {
            login.completeExceptionally(cause);
        }
    }

    private void setState(ConnectionState next) {
        if (state != next) {
            state = next;
            notifier.state(next);
        }
    }

    private JsonNode parse(String json) {
        if (json == null) {
            return MissingNode.getInstance();
        }
        try {
            return options.json().readTree(json);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(json);
        }
    }

    private boolean grantsMultiMessageFrames(String data) {
        return data != null && parse(data).path("eddy").path("multiMessageFrames").asBoolean(false);
    }

    private static String parserDetail(Message message) {
        if (message.data() != null) {
            return message.data();
        }
        if (message.originalTopic() == null && message.originalAction() == null) {
            return null;
        }
        Topic topic = message.originalTopic() == null ? null : Topic.of(message.originalTopic());
        return (topic == null ? String.valueOf(message.originalTopic()) : topic.name())
                + (message.originalAction() == null ? "" : " " + (topic == null
                ? message.originalAction() : topic.action(message.originalAction()).name()));
    }

    private static String describe(Throwable cause) {
        String text = cause.getMessage();
        return text == null ? cause.getClass().getSimpleName() : text;
    }

    /** The host as a resolver takes it: an IPv6 literal without its URL brackets. */
    private static String host(URI url) {
        String host = url.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static int port(URI url) {
        return url.getPort() != -1 ? url.getPort() : "wss".equals(url.getScheme()) ? 443 : 80;
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** One TLS context for all wss:// clients, created on first use: thousands of clients need not build one each. */
    private static final class DefaultTls {
        static final SslContext CONTEXT = create();

        private static SslContext create() {
            try {
                return SslContextBuilder.forClient().build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot create a TLS context for wss://", e);
            }
        }
    }
}
