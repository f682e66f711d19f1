package io.eddy.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.eddy.protocol.ConnectionAction;
import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.protocol.Topic;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Eddy's multi-message frames, seen on the wire: a proxy between clients and server counts the WebSocket frames.
 */
@QuarkusTest
class MultiMessageFramesTest extends ClientTestBase {

    private static final int BURST = 2000;

    private TcpProxy proxy;

    @BeforeEach
    void startProxy() throws IOException {
        proxy = new TcpProxy(serverPort());
    }

    @AfterEach
    void stopProxy() {
        proxy.close();
    }

    @Test
    void negotiatedFramesCarryManyMessagesAndKeepTheirOrder() {
        BlockingQueue<Message> accepts = new LinkedBlockingQueue<>();
        EddyClient sender = loggedIn(builder(proxy.uri(), new ClientRecorder()).multiMessageFrames(true)
                .onMessage(m -> collectAccept(m, accepts)), "sender");
        EddyClient receiver = loggedIn(builder(proxy.uri(), new ClientRecorder()).multiMessageFrames(true)
                .onMessage(m -> collectAccept(m, accepts)), "receiver");

        List<Integer> received = burst(sender, receiver);

        assertEquals(IntStream.range(0, BURST).boxed().toList(), received, "every emit, in order");
        TcpProxy.Link senderLink = proxy.links().get(0);
        TcpProxy.Link receiverLink = proxy.links().get(1);
        // a burst written in one event-loop turn leaves in a few 64 KiB frames, not one frame per message
        assertTrue(senderLink.fromClient.binaryFrames() < 20,
                () -> senderLink.fromClient.binaryFrames() + " frames from the sender");
        assertTrue(receiverLink.fromServer.binaryFrames() < BURST,
                () -> receiverLink.fromServer.binaryFrames() + " frames to the receiver");
    }

    @Test
    void withoutNegotiationEveryMessageHasItsOwnFrame() {
        BlockingQueue<Message> accepts = new LinkedBlockingQueue<>();
        EddyClient sender = loggedIn(builder(proxy.uri(), new ClientRecorder()).multiMessageFrames(false)
                .onMessage(m -> collectAccept(m, accepts)), "sender");
        EddyClient receiver = loggedIn(builder(proxy.uri(), new ClientRecorder()).multiMessageFrames(false), "receiver");
        assertNull(Await.next(accepts).data(), "nothing asked, nothing granted");

        List<Integer> received = burst(sender, receiver);

        assertEquals(IntStream.range(0, BURST).boxed().toList(), received);
        assertTrue(proxy.links().get(0).fromClient.binaryFrames() >= BURST + 2, "CHALLENGE, AUTH and each emit");
        assertTrue(proxy.links().get(1).fromServer.binaryFrames() >= BURST + 2, "ACCEPT, AUTH result and each emit");
    }

    /**
     * Until the client has read ACCEPT it cannot know whether packing was granted, so it reads one message per
     * frame: nothing the server queued before ACCEPT may share ACCEPT's frame.
     */
    @Test
    void repliesQueuedBeforeTheNegotiationDoNotShareAcceptsFrame() throws Exception {
        try (RawWebSocket raw = new RawWebSocket(serverPort())) {
            raw.sendInOneWrite(new Message(Topic.EVENT, EventAction.EMIT.code()).name("early").data("1"),
                    Message.of(ConnectionAction.CHALLENGE).data(Connection.MULTI_MESSAGE_FRAMES));

            assertEquals(List.of("INVALID_MESSAGE"), actions(raw.nextFrame()), "the reply to the early EMIT, alone");
            assertEquals(List.of("ACCEPT"), actions(raw.nextFrame()));
        }
    }

    private static List<String> actions(List<Message> frame) {
        return frame.stream().map(m -> m.typedAction().name()).toList();
    }

    /**
     * The sender emits the whole burst from its own I/O thread, inside one callback, so all of it is written in one
     * event-loop turn; returns what the receiver got, in arrival order.
     */
    private List<Integer> burst(EddyClient sender, EddyClient receiver) {
        BlockingQueue<JsonNode> arrivals = new LinkedBlockingQueue<>();
        Await.result(receiver.event().subscribe("burst", arrivals::add));
        Await.result(sender.event().subscribe("go", d -> {
            for (int i = 0; i < BURST; i++) {
                sender.event().emit("burst", i);
            }
        }));
        receiver.event().emit("go", null);
        List<Integer> received = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            received.add(Await.next(arrivals).intValue());
        }
        return received;
    }

    private static void collectAccept(Message message, BlockingQueue<Message> accepts) {
        if (message.is(ConnectionAction.ACCEPT)) {
            accepts.add(message);
        }
    }
}
