package io.eddy.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A minimal WebSocket client for load generation, on raw bytes: its own upgrade request, its own frame parser, and
 * outgoing frames masked with a zero key so one encoded frame can be written by every publisher unchanged. Until
 * {@link #counting} is switched on, each received message is handed over whole (for log-in and set-up replies);
 * after that, frames are only counted — no allocation, no copy, no decoding — so the generator takes as little CPU
 * from the server it measures as it can.
 */
final class BenchSocket {

    /** Receives whole messages (text or binary) during set-up; runs on the socket's event loop. */
    interface Receiver {
        void message(byte[] payload);
    }

    /** Counts during the measurement; {@code messages} is 1 per frame, or the messages packed in a binary frame. */
    interface Counter {
        void received(int messages);
    }

    private final Channel channel;
    private final Parser parser;

    private BenchSocket(Channel channel, Parser parser) {
        this.channel = channel;
        this.parser = parser;
    }

    static CompletableFuture<BenchSocket> connect(EventLoopGroup group, URI uri, Receiver receiver) {
        Parser parser = new Parser(receiver);
        CompletableFuture<BenchSocket> connected = new CompletableFuture<>();
        int port = uri.getPort() > 0 ? uri.getPort() : 80;
        Bootstrap bootstrap = new Bootstrap().group(group).channel(Transport.channel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(parser);
                    }
                });
        ChannelFuture f = bootstrap.connect(uri.getHost(), port);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                connected.completeExceptionally(done.cause());
                return;
            }
            BenchSocket socket = new BenchSocket(f.channel(), parser);
            parser.upgraded.whenComplete((ok, failure) -> {
                if (failure != null) {
                    connected.completeExceptionally(failure);
                } else {
                    connected.complete(socket);
                }
            });
            byte[] key = new byte[16];
            ThreadLocalRandom.current().nextBytes(key);
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            if (uri.getRawQuery() != null) {
                path += "?" + uri.getRawQuery();
            }
            String request = "GET " + path + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + port
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString(key) + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
            f.channel().writeAndFlush(Unpooled.wrappedBuffer(request.getBytes(StandardCharsets.US_ASCII)));
        });
        return connected;
    }

    /** Frames a payload as a masked client frame with a zero mask key, so the result can be shared. */
    static byte[] frame(boolean text, byte[] payload) {
        int n = payload.length;
        int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
        byte[] out = new byte[header + 4 + n];
        out[0] = (byte) (0x80 | (text ? 1 : 2));
        if (n < 126) {
            out[1] = (byte) (0x80 | n);
        } else if (n < 65536) {
            out[1] = (byte) (0x80 | 126);
            out[2] = (byte) (n >>> 8);
            out[3] = (byte) n;
        } else {
            out[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                out[2 + i] = (byte) (((long) n) >>> (56 - 8 * i));
            }
        }
        // the four mask bytes stay zero: masking with them leaves the payload as it is
        System.arraycopy(payload, 0, out, header + 4, n);
        return out;
    }

    /** Queues an already framed message; nothing is sent before {@link #flush()}. */
    void write(byte[] frame) {
        channel.write(Unpooled.wrappedBuffer(frame), channel.voidPromise());
    }

    void flush() {
        channel.flush();
    }

    void send(byte[] frame) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(frame), channel.voidPromise());
    }

    /**
     * Switches from handing over messages to counting them; {@code packed}: binary frames hold delimited messages.
     * Completes once the switch has happened on the socket's event loop.
     */
    CompletableFuture<Void> counting(Counter counter, boolean packed) {
        CompletableFuture<Void> switched = new CompletableFuture<>();
        channel.eventLoop().execute(() -> {
            parser.packed = packed;
            parser.counter = counter;
            switched.complete(null);
        });
        return switched;
    }

    Channel channel() {
        return channel;
    }

    void close() {
        channel.close();
    }

    /**
     * Parses server frames (never masked) straight from the socket's buffers, across read boundaries. Only the
     * fields needed are kept; in counting mode a frame's payload is skipped without being copied, except that packed
     * binary frames are walked for their varint length prefixes.
     */
    private static final class Parser extends ChannelInboundHandlerAdapter {
        final CompletableFuture<Void> upgraded = new CompletableFuture<>();
        private final Receiver receiver;
        Counter counter;
        boolean packed;

        private final StringBuilder response = new StringBuilder();
        private boolean open;
        // frame state
        private final byte[] header = new byte[10];
        private int headerRead;
        private int headerLength = 2;
        private long remaining = -1;
        private int opcode;
        private boolean fin;
        private byte[] payload;
        private int payloadRead;
        // packed-message walk: bytes still to skip of the current message, or the varint being read
        private long skip;
        private long varint;
        private int varintShift;

        Parser(Receiver receiver) {
            this.receiver = receiver;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (!open) {
                    readResponse(in);
                }
                while (open && in.isReadable()) {
                    if (remaining < 0) {
                        if (!readHeader(in)) {
                            return;
                        }
                    }
                    readPayload(ctx, in);
                }
            } finally {
                in.release();
            }
        }

        private void readResponse(ByteBuf in) {
            while (in.isReadable()) {
                char c = (char) in.readByte();
                response.append(c);
                if (response.length() >= 4 && response.substring(response.length() - 4).equals("\r\n\r\n")) {
                    if (!response.toString().startsWith("HTTP/1.1 101")) {
                        upgraded.completeExceptionally(new IllegalStateException("upgrade refused: "
                                + response.toString().lines().findFirst().orElse("")));
                        return;
                    }
                    open = true;
                    upgraded.complete(null);
                    return;
                }
            }
        }

        private boolean readHeader(ByteBuf in) {
            if (headerRead == 0 && in.readableBytes() >= 2 && (in.getByte(in.readerIndex() + 1) & 0x7F) < 126) {
                // the common case, a small frame with its whole header at hand: no byte-by-byte state machine
                header[0] = in.readByte();
                header[1] = in.readByte();
                headerRead = 2;
            }
            while (headerRead < headerLength) {
                if (!in.isReadable()) {
                    return false;
                }
                header[headerRead++] = in.readByte();
                if (headerRead == 2) {
                    int len = header[1] & 0x7F;
                    headerLength = len == 126 ? 4 : len == 127 ? 10 : 2;
                }
            }
            fin = (header[0] & 0x80) != 0;
            int op = header[0] & 0x0F;
            if (op != 0) {
                opcode = op;
            }
            int len = header[1] & 0x7F;
            if (len == 126) {
                remaining = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            } else if (len == 127) {
                long l = 0;
                for (int i = 2; i < 10; i++) {
                    l = (l << 8) | (header[i] & 0xFF);
                }
                remaining = l;
            } else {
                remaining = len;
            }
            headerRead = 0;
            headerLength = 2;
            boolean wantPayload = counter == null || opcode >= 8;
            if (wantPayload) {
                if (payload == null || op != 0) {
                    payload = new byte[(int) remaining];
                    payloadRead = 0;
                } else {
                    payload = java.util.Arrays.copyOf(payload, payloadRead + (int) remaining);
                }
            }
            return true;
        }

        private void readPayload(ChannelHandlerContext ctx, ByteBuf in) {
            int n = (int) Math.min(remaining, in.readableBytes());
            if (counter != null && opcode < 8) {
                if (packed && opcode == 2) {
                    walkPacked(in, n);
                } else {
                    in.skipBytes(n);
                }
            } else {
                in.readBytes(payload, payloadRead, n);
                payloadRead += n;
            }
            remaining -= n;
            if (remaining > 0) {
                return;
            }
            remaining = -1;
            if (!fin) {
                return;
            }
            if (opcode == 8) {
                ctx.close();
            } else if (opcode == 9) {
                // answer a ping, unmasked payload echoed in a masked pong
                byte[] pong = frame(false, payload);
                pong[0] = (byte) 0x8A;
                ctx.writeAndFlush(Unpooled.wrappedBuffer(pong));
            } else if (counter != null) {
                if (!packed || opcode != 2) {
                    counter.received(1);
                }
            } else if (opcode == 1 || opcode == 2) {
                receiver.message(payload);
                payload = null;
            }
        }

        /**
         * Counts delimited messages in a packed frame (varint length, then that many bytes, repeatedly); a message
         * counts once its last byte has arrived.
         */
        private void walkPacked(ByteBuf in, int n) {
            // indices rather than readByte/skipBytes: this loop is the generator's hottest
            int at = in.readerIndex();
            int end = at + n;
            int count = 0;
            long toSkip = skip;
            while (at < end) {
                if (toSkip > 0) {
                    int s = (int) Math.min(toSkip, end - at);
                    at += s;
                    toSkip -= s;
                    if (toSkip == 0) {
                        count++;
                    }
                    continue;
                }
                byte b = in.getByte(at++);
                varint |= (long) (b & 0x7F) << varintShift;
                varintShift += 7;
                if (b >= 0) {
                    toSkip = varint;
                    varint = 0;
                    varintShift = 0;
                    if (toSkip == 0) {
                        count++;
                    }
                }
            }
            in.readerIndex(end);
            skip = toSkip;
            if (count > 0) {
                counter.received(count);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            upgraded.completeExceptionally(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            upgraded.completeExceptionally(new IllegalStateException("connection closed"));
        }
    }
}
