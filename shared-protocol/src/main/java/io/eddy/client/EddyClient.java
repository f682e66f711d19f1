package io.eddy.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.eddy.protocol.Message;
import io.eddy.protocol.Topic;
import io.eddy.protocol.codec.MessageCodec;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A client for Eddy and deepstream servers, over deepstream's binary WebSocket protocol.
 * <pre>
 * EddyClient client = EddyClient.builder(URI.create("ws://127.0.0.1:6020/deepstream")).build();
 * client.login(Map.of("username", "alice")).thenAccept(result -> …);
 * client.event().subscribe("news", data -> …);
 * client.event().emit("news", Map.of("headline", "hello"));
 * Record doc = client.record().getRecord("doc/1");
 * doc.subscribe("title", title -> …);
 * doc.set("title", "hello");
 * client.rpc().provide("add", (data, response) -> response.send(data.get("a").asInt() + data.get("b").asInt()));
 * client.rpc().make("add", Map.of("a", 1, "b", 2)).thenAccept(sum -> …);
 * client.presence().subscribe((user, online) -> …);
 * client.close();
 * </pre>
 * The client connects as soon as it is built and keeps its connection: it sends heartbeats, and after an
 * unexpected close it reconnects with a growing back-off, logs in again with the same auth data and restores every
 * subscription, listen and RPC provider. It stops for good on {@link #close()}, CONNECTION REJECT,
 * TOO_MANY_AUTH_ATTEMPTS, AUTHENTICATION_TIMEOUT, or when its reconnect attempts are used up (see
 * {@link ConnectionState#isFinal()}).
 * <p>
 * <b>Threading.</b> Every method is thread-safe and non-blocking, but for record reads ({@link Record#get()},
 * {@link Record#version()}) called off the I/O thread, which first wait for the I/O thread to run this client's
 * earlier calls. Each client runs on one event-loop thread of its group, its "I/O thread"; every callback and
 * listener runs there and must not block, and futures complete there.
 * Messages written in one turn of that event loop leave with one flush, packed into shared frames when the server
 * granted Eddy's multi-message frames.
 * <p>
 * <b>Login results.</b> {@link #login} completes with a {@link LoginResult} whenever the server answered the
 * request, successful or not, so a refused login can be retried on the same connection. It completes
 * exceptionally with an {@link EddyClientException} only when no answer can come: the client stopped
 * ({@code IS_CLOSED}, {@code TOO_MANY_AUTH_ATTEMPTS}, {@code AUTHENTICATION_TIMEOUT} …), another login is still in
 * progress ({@code LOGIN_IN_PROGRESS}) or the client is logged in already ({@code ALREADY_AUTHENTICATED}). After
 * the server's third refusal the third future still completes with the refusal; the TOO_MANY_AUTH_ATTEMPTS that
 * follows moves the client to that final state and reaches the error listener.
 */
public final class EddyClient implements AutoCloseable {

    private final Connection connection;
    private final Notifier notifier;
    private final Events events;
    private final Records records;
    private final Rpcs rpcs;
    private final Presence presence;
    private final ObjectMapper json;

    private EddyClient(ClientOptions options, RecordOptions recordOptions, EventLoopGroup group, boolean ownsGroup,
                       Notifier notifier) {
        this.notifier = notifier;
        this.json = options.json();
        this.connection = new Connection(options, group, ownsGroup, notifier);
        EventTopic eventTopic = new EventTopic(connection, options, notifier);
        connection.register(Topic.EVENT, eventTopic);
        this.events = new Events(connection, eventTopic, json);
        RecordTopic recordTopic = new RecordTopic(connection, options, recordOptions, notifier);
        connection.register(Topic.RECORD, recordTopic);
        this.records = new Records(recordTopic);
        RpcTopic rpcTopic = new RpcTopic(connection, options, notifier);
        connection.register(Topic.RPC, rpcTopic);
        this.rpcs = new Rpcs(connection, rpcTopic, notifier);
        PresenceTopic presenceTopic = new PresenceTopic(connection, options, notifier);
        connection.register(Topic.PRESENCE, presenceTopic);
        this.presence = new Presence(connection, presenceTopic);
        connection.start();
    }

    /**
     * A builder for a client of the server at {@code url}: {@code ws://} or {@code wss://} ({@code http(s)://} is
     * taken as the same); without a path, deepstream's {@code /deepstream} is used.
     */
    public static Builder builder(URI url) {
        return new Builder(url);
    }

    /** Logs in with no auth data (the server receives {@code {}}), as the JavaScript client's {@code login()}. */
    public CompletableFuture<LoginResult> login() {
        return login("{}");
    }

    /**
     * Logs in; sent at once if the server accepted the connection, otherwise as soon as it does. The auth data is
     * kept for logging in again after a reconnect, until the server refuses it.
     *
     * @param authData a JSON object, e.g. {@code {"username":"alice","password":"…"}}
     */
    public CompletableFuture<LoginResult> login(JsonNode authData) {
        Objects.requireNonNull(authData, "authData");
        if (!authData.isObject()) {
            throw new IllegalArgumentException("auth data must be a JSON object");
        }
        return login(authData.toString());
    }

    /** Logs in with auth data serialized by Jackson as a JSON object. */
    public CompletableFuture<LoginResult> login(Map<String, ?> authData) {
        Objects.requireNonNull(authData, "authData");
        try {
            return login(json.writeValueAsString(authData));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("auth data cannot be serialized: " + e.getOriginalMessage(), e);
        }
    }

    private CompletableFuture<LoginResult> login(String authJson) {
        CompletableFuture<LoginResult> result = new CompletableFuture<>();
        connection.login(authJson, result);
        return result;
    }

    /** The current connection state; it may have changed by the time the caller looks at it. */
    public ConnectionState state() {
        return connection.state();
    }

    /** Events: subscribe, emit, listen. */
    public Events event() {
        return events;
    }

    /** Records and lists: subscribe, read, write, delete, notify, listen. */
    public Records record() {
        return records;
    }

    /** Remote procedure calls: provide, unprovide, make. */
    public Rpcs rpc() {
        return rpcs;
    }

    /** Presence: who is online, and callbacks when users come and go. */
    public Presence presence() {
        return presence;
    }

    /**
     * Low level, for tests and tools: writes a message as it is on the current socket, in whatever state the
     * connection is, bypassing the client's bookkeeping (it is neither buffered while offline nor restored after a
     * reconnect; replies reach {@link #onMessage} listeners, and the client reacts to those it knows, e.g. acks).
     * The message is encoded before this method returns, so it may be reused; it is dropped when no socket is open.
     */
    public void send(Message message) {
        byte[] encoded = MessageCodec.encode(Objects.requireNonNull(message, "message"));
        connection.execute(() -> connection.writeEncoded(encoded));
    }

    /**
     * Low level, for tests and tools: {@code listener} sees every message decoded from the server, before the
     * client handles it, on the I/O thread. Use {@link Builder#onMessage} to see the handshake of the first
     * connection too.
     */
    public void onMessage(Consumer<Message> listener) {
        notifier.addRawListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Closes the WebSocket (no protocol message is sent, as in deepstream) and stops the client: no reconnect,
     * pending futures fail with {@code IS_CLOSED}, buffered emits are dropped, the state becomes
     * {@link ConnectionState#CLOSED}. An event loop group the client created itself is shut down. Returns at once.
     */
    @Override
    public void close() {
        connection.close();
    }

    @Override
    public String toString() {
        return "EddyClient[" + connection.state() + "]";
    }

    /**
     * Settings of a client. The defaults are the JavaScript client's, so a client behaves alike against the same
     * server; callbacks are optional.
     */
    public static final class Builder {

        private final URI url;
        private Duration heartbeatInterval = Duration.ofSeconds(30);
        private Duration reconnectIntervalIncrement = Duration.ofSeconds(4);
        private Duration maxReconnectInterval = Duration.ofSeconds(180);
        private int maxReconnectAttempts = 5;
        private Duration subscriptionTimeout = Duration.ofSeconds(2);
        private Duration offlineBufferTimeout = Duration.ofSeconds(2);
        private int offlineBufferSize = 10_000;
        private boolean multiMessageFrames = true;
        private int maxFramePayloadLength = 16 * 1024 * 1024;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration recordDiscardTimeout = Duration.ofSeconds(5);
        private Duration recordReadTimeout = Duration.ofSeconds(15);
        private Duration recordDeleteTimeout = Duration.ofSeconds(15);
        private MergeStrategy mergeStrategy = MergeStrategy.REMOTE_WINS;
        private EventLoopGroup eventLoopGroup;
        private Class<? extends Channel> channelType = NioSocketChannel.class;
        private ObjectMapper json;
        private ClientErrorListener errorListener;
        private ConnectionStateListener stateListener;
        private final List<Consumer<Message>> messageListeners = new ArrayList<>();

        private Builder(URI url) {
            this.url = normalize(Objects.requireNonNull(url, "url"));
        }

        /**
         * How often a CONNECTION PING is sent (from socket open); when nothing at all arrived for two intervals the
         * socket is closed and a reconnect starts. Default 30 s, deepstream's.
         */
        public Builder heartbeatInterval(Duration interval) {
            this.heartbeatInterval = positive(interval, "heartbeatInterval");
            return this;
        }

        /** Reconnect attempt n (from 0) waits {@code min(maxReconnectInterval, increment × n)}. Default 4 s. */
        public Builder reconnectIntervalIncrement(Duration increment) {
            this.reconnectIntervalIncrement = notNegative(increment, "reconnectIntervalIncrement");
            return this;
        }

        /** Upper bound of the wait between reconnect attempts. Default 180 s. */
        public Builder maxReconnectInterval(Duration max) {
            this.maxReconnectInterval = notNegative(max, "maxReconnectInterval");
            return this;
        }

        /**
         * Reconnect attempts in a row before the client gives up (state {@link ConnectionState#ERROR}); the count
         * starts again once a server accepts a connection. Default 5; 0 turns reconnecting off.
         */
        public Builder maxReconnectAttempts(int attempts) {
            if (attempts < 0) {
                throw new IllegalArgumentException("maxReconnectAttempts must not be negative");
            }
            this.maxReconnectAttempts = attempts;
            return this;
        }

        /**
         * How long a subscribe, unsubscribe, listen, unlisten, RPC provide or unprovide waits for its
         * acknowledgement, and a presence query for its answer. Default 2 s.
         */
        public Builder subscriptionTimeout(Duration timeout) {
            this.subscriptionTimeout = positive(timeout, "subscriptionTimeout");
            return this;
        }

        /**
         * How long an emit, RPC call, record snapshot/head or presence query made while offline waits to be sent.
         * Default 2 s; zero fails them at once.
         */
        public Builder offlineBufferTimeout(Duration timeout) {
            this.offlineBufferTimeout = notNegative(timeout, "offlineBufferTimeout");
            return this;
        }

        /** How many emits, record setData writes and RPC calls made offline are kept at most, each. Default 10 000. */
        public Builder offlineBufferSize(int size) {
            if (size < 0) {
                throw new IllegalArgumentException("offlineBufferSize must not be negative");
            }
            this.offlineBufferSize = size;
            return this;
        }

        /**
         * Whether to ask for Eddy's multi-message frames in CHALLENGE. Harmless against deepstream, which does not
         * grant it; only when the server grants it in ACCEPT do frames carry more than one message. Default true.
         */
        public Builder multiMessageFrames(boolean enabled) {
            this.multiMessageFrames = enabled;
            return this;
        }

        /** Largest incoming WebSocket frame (or message of continuation frames). Default 16 MiB. */
        public Builder maxFramePayloadLength(int bytes) {
            if (bytes <= 0) {
                throw new IllegalArgumentException("maxFramePayloadLength must be positive");
            }
            this.maxFramePayloadLength = bytes;
            return this;
        }

        /** Limit for the TCP connect and, again, for the WebSocket handshake. Default 10 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * How long a record whose last handle was discarded stays subscribed before UNSUBSCRIBE is sent; a
         * {@code getRecord} within it reuses the subscription. Default 5 s, deepstream's recordDiscardTimeout; zero
         * unsubscribes at once.
         */
        public Builder recordDiscardTimeout(Duration timeout) {
            this.recordDiscardTimeout = notNegative(timeout, "recordDiscardTimeout");
            return this;
        }

        /** How long a record snapshot, head or has waits for the server's answer. Default 15 s. */
        public Builder recordReadTimeout(Duration timeout) {
            this.recordReadTimeout = positive(timeout, "recordReadTimeout");
            return this;
        }

        /** How long a record delete waits for DELETE_SUCCESS. Default 15 s. */
        public Builder recordDeleteTimeout(Duration timeout) {
            this.recordDeleteTimeout = positive(timeout, "recordDeleteTimeout");
            return this;
        }

        /**
         * How records resolve version conflicts unless one has its own ({@link Record#setMergeStrategy}). Default
         * {@link MergeStrategy#REMOTE_WINS}, deepstream's.
         */
        public Builder mergeStrategy(MergeStrategy strategy) {
            this.mergeStrategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * The event loops to run on, shared with other clients: a load generator can run thousands of clients on a
         * few threads. Each client uses one loop of the group. The group stays the caller's to shut down. Null, the
         * default, gives the client a one-thread group of its own, shut down by {@link EddyClient#close()}.
         * A group other than NIO needs the matching {@link #channelType}.
         */
        public Builder eventLoopGroup(EventLoopGroup group) {
            this.eventLoopGroup = group;
            return this;
        }

        /** The socket channel class matching the event loop group. Default {@link NioSocketChannel}. */
        public Builder channelType(Class<? extends Channel> type) {
            this.channelType = Objects.requireNonNull(type, "type");
            return this;
        }

        /** The Jackson mapper for event, record and auth data. Default: a plain {@link ObjectMapper}. */
        public Builder objectMapper(ObjectMapper mapper) {
            this.json = Objects.requireNonNull(mapper, "mapper");
            return this;
        }

        /** Errors that belong to no call; without a listener they are logged. See {@link ClientErrorListener}. */
        public Builder onError(ClientErrorListener listener) {
            this.errorListener = listener;
            return this;
        }

        /** Told about every change of {@link ConnectionState}, on the I/O thread. */
        public Builder onConnectionStateChanged(ConnectionStateListener listener) {
            this.stateListener = listener;
            return this;
        }

        /** Low level, see {@link EddyClient#onMessage}; registered here it also sees the first handshake. */
        public Builder onMessage(Consumer<Message> listener) {
            messageListeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Creates the client, which starts connecting at once. */
        public EddyClient build() {
            ClientOptions options = new ClientOptions(url, heartbeatInterval, reconnectIntervalIncrement,
                    maxReconnectInterval, maxReconnectAttempts, subscriptionTimeout, offlineBufferTimeout,
                    offlineBufferSize, multiMessageFrames, maxFramePayloadLength, connectTimeout, channelType,
                    json != null ? json : new ObjectMapper());
            Notifier notifier = new Notifier(errorListener, stateListener);
            messageListeners.forEach(notifier::addRawListener);
            boolean ownsGroup = eventLoopGroup == null;
            EventLoopGroup group = ownsGroup
                    ? new NioEventLoopGroup(1, new DefaultThreadFactory("eddy-client", true))
                    : eventLoopGroup;
            RecordOptions recordOptions = new RecordOptions(recordDiscardTimeout, recordReadTimeout,
                    recordDeleteTimeout, mergeStrategy);
            return new EddyClient(options, recordOptions, group, ownsGroup, notifier);
        }

        /** ws/wss (http/https taken as the same), with deepstream's default path when there is none. */
        static URI normalize(URI url) {
            String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
            scheme = switch (scheme) {
                case "ws", "http" -> "ws";
                case "wss", "https" -> "wss";
                default -> throw new IllegalArgumentException("not a ws:// or wss:// URL: " + url);
            };
            if (url.getHost() == null) {
                throw new IllegalArgumentException("no host in " + url);
            }
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/deepstream" : url.getRawPath();
            return URI.create(scheme + "://" + url.getRawAuthority() + path
                    + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }

        private static Duration notNegative(Duration d, String what) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException(what + " must not be negative");
            }
            return d;
        }
    }
}
