package io.eddy.client;

import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.Topic;
import io.eddy.protocol.codec.MessageCodec;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class OutboxTest {

    /** Counts flushes reaching the socket. */
    private static final class FlushCounter extends ChannelOutboundHandlerAdapter {
        int flushes;

        @Override
        public void flush(ChannelHandlerContext ctx) {
            flushes++;
            ctx.flush();
        }
    }

    private final FlushCounter flushCounter = new FlushCounter();
    private final EmbeddedChannel channel = new EmbeddedChannel(flushCounter);
    private final Outbox outbox = new Outbox(channel);

    @Test
    void withoutPackingEveryMessageIsOneFrameAndATurnIsOneFlush() {
        for (int i = 0; i < 3; i++) {
            outbox.add(emit(i, 10));
        }
        channel.runPendingTasks();

        List<List<Message>> frames = frames();
        assertEquals(3, frames.size());
        frames.forEach(f -> assertEquals(1, f.size()));
        assertEquals(1, flushCounter.flushes);
    }

    @Test
    void packedMessagesShareFramesUpToTheLimit() {
        outbox.enablePacking();
        int messages = 0;
        int bytes = 0;
        while (bytes < 2 * ClientOptions.PACK_LIMIT) {
            byte[] message = emit(messages++, 1000);
            bytes += message.length;
            outbox.add(message);
        }
        channel.runPendingTasks();

        List<List<Message>> frames = frames();
        assertEquals(3, frames.size(), "two full frames and the rest");
        assertEquals(messages, frames.stream().mapToInt(List::size).sum());
        assertEquals(1, flushCounter.flushes);
        int expected = 0;
        for (List<Message> frame : frames) {
            for (Message m : frame) {
                assertEquals("\"" + expected++ + "\"", m.data().substring(0, m.data().indexOf('"', 1) + 1));
            }
        }
    }

    @Test
    void aMessageLargerThanTheLimitTravelsAlone() {
        outbox.enablePacking();
        outbox.add(emit(0, 10));
        outbox.add(emit(1, ClientOptions.PACK_LIMIT + 1));
        outbox.add(emit(2, 10));
        channel.runPendingTasks();

        assertEquals(List.of(1, 1, 1), frames().stream().map(List::size).toList());
    }

    private List<List<Message>> frames() {
        List<List<Message>> frames = new ArrayList<>();
        BinaryWebSocketFrame frame;
        while ((frame = channel.readOutbound()) != null) {
            byte[] bytes = ByteBufUtil.getBytes(frame.content());
            frame.release();
            try {
                frames.add(MessageCodec.decodeAll(bytes, 0, bytes.length));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }
        return frames;
    }

    /** An emit whose data is the JSON string {@code "<n>"} followed by {@code padding} characters. */
    private static byte[] emit(int n, int padding) {
        String data = "\"" + n + "\"" + " ".repeat(padding);
        return MessageCodec.encode(new Message(Topic.EVENT, EventAction.EMIT.code()).name("e").data(data));
    }
}
