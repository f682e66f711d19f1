package io.eddy.client;

import io.eddy.protocol.Message;
import io.eddy.protocol.codec.MalformedMessageException;
import io.eddy.protocol.codec.MessageCodec;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A bare WebSocket over a plain socket, for inputs the client never produces: several frames in one TCP write,
 * messages before CHALLENGE. Reads are bounded by a socket timeout.
 */
final class RawWebSocket implements AutoCloseable {

    private static final byte[] MASK = {0x11, 0x22, 0x33, 0x44};

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    RawWebSocket(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) Await.TIMEOUT.toMillis());
        out = socket.getOutputStream();
        in = new DataInputStream(socket.getInputStream());
        out.write(("GET /deepstream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        int matched = 0;
        while (matched < 4) {
            int b = in.readUnsignedByte();
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
    }

    /** Each message in its own binary frame, all frames in one TCP write: the server reads them in one go. */
    void sendInOneWrite(Message... messages) throws IOException {
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (Message message : messages) {
            byte[] payload = MessageCodec.encode(message);
            if (payload.length > 125) {
                throw new IllegalArgumentException("only small messages");
            }
            frames.write(0x82);
            frames.write(0x80 | payload.length);
            frames.writeBytes(MASK);
            for (int i = 0; i < payload.length; i++) {
                frames.write(payload[i] ^ MASK[i % 4]);
            }
        }
        out.write(frames.toByteArray());
        out.flush();
    }

    /** The messages of the next binary frame from the server. */
    List<Message> nextFrame() throws IOException, MalformedMessageException {
        int first = in.readUnsignedByte();
        int length = in.readUnsignedByte() & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            throw new IOException("frame too large for this test helper");
        }
        byte[] payload = new byte[length];
        in.readFully(payload);
        if ((first & 0x0f) != 2) {
            throw new IOException("not a binary frame: opcode " + (first & 0x0f));
        }
        return MessageCodec.decodeAll(payload, 0, payload.length);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
