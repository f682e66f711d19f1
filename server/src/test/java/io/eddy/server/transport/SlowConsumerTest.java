package io.eddy.server.transport;

import io.eddy.protocol.EventAction;
import io.eddy.protocol.Message;
import io.eddy.server.node.EddyNode;
import io.eddy.server.testing.RawClient;
import io.eddy.server.testing.WebSockets;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A client that stops reading is dropped once 256 KiB wait for it; the others keep getting everything. */
@QuarkusTest
@TestProfile(SlowConsumerTest.SmallBuffers.class)
class SlowConsumerTest {

    public static class SmallBuffers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("eddy.connection.max-pending-bytes", "262144");
        }
    }

    @TestHTTPResource("/deepstream")
    URI http;

    @Inject
    EddyNode node;

    @Test
    void slowSubscriberIsDisconnectedAndOthersAreNotHeldUp() throws Exception {
        URI uri = WebSockets.ws(http);
        try (RawClient publisher = RawClient.login(uri, "publisher");
             RawClient fast = RawClient.login(uri, "fast");
             RawClient slow = RawClient.login(uri, "slow")) {
            for (RawClient c : List.of(fast, slow)) {
                c.send(Message.of(EventAction.SUBSCRIBE).names(List.of("flood")).correlationId("0"));
                c.expect(EventAction.SUBSCRIBE);
            }
            slow.stopReading();
            long before = node.metrics().slowConsumerDisconnects.sum();
            int sessionsBefore = node.sessions().size();

            // 5000 × 4 KiB = 20 MiB, far more than the socket buffers of a loopback connection absorb, published in
            // steps of 80 KiB that the reading client keeps up with
            String data = "\"" + "x".repeat(4096) + "\"";
            for (int step = 0; step < 250; step++) {
                for (int i = 0; i < 20; i++) {
                    publisher.send(Message.of(EventAction.EMIT).name("flood").data(data));
                }
                for (int i = 0; i < 20; i++) {
                    assertEquals(data, fast.expect(EventAction.EMIT).data());
                }
            }

            long deadline = System.nanoTime() + 10_000_000_000L;
            while (node.metrics().slowConsumerDisconnects.sum() == before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(before + 1, node.metrics().slowConsumerDisconnects.sum(), "exactly the slow client is cut off");
            while (node.sessions().size() == sessionsBefore && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(sessionsBefore - 1, node.sessions().size(), "the slow client's session is gone");
            assertTrue(!fast.isClosed() && !publisher.isClosed());
        }
    }

    @Test
    void slowSubscriberAmongManyIsDisconnectedWhileTheSharedFanOutCarriesOn() throws Exception {
        // enough subscribers that each event loop hands them one shared copy of the burst
        URI uri = WebSockets.ws(http);
        List<RawClient> fast = new ArrayList<>();
        try (RawClient publisher = RawClient.login(uri, "many-publisher");
             RawClient slow = RawClient.login(uri, "many-slow")) {
            for (int i = 0; i < 36; i++) {
                fast.add(RawClient.login(uri, "many-fast" + i));
            }
            List<RawClient> all = new ArrayList<>(fast);
            all.add(slow);
            for (RawClient c : all) {
                c.send(Message.of(EventAction.SUBSCRIBE).names(List.of("many")).correlationId("0"));
                c.expect(EventAction.SUBSCRIBE);
            }
            slow.stopReading();
            long before = node.metrics().slowConsumerDisconnects.sum();

            String data = "\"" + "y".repeat(16 * 1024) + "\"";
            for (int step = 0; step < 150 && node.metrics().slowConsumerDisconnects.sum() == before; step++) {
                for (int i = 0; i < 10; i++) {
                    publisher.send(Message.of(EventAction.EMIT).name("many").data(data));
                }
                for (RawClient c : fast) {
                    for (int i = 0; i < 10; i++) {
                        assertEquals(data, c.expect(EventAction.EMIT).data());
                    }
                }
            }
            assertEquals(before + 1, node.metrics().slowConsumerDisconnects.sum(), "exactly the slow client is cut off");
            publisher.send(Message.of(EventAction.EMIT).name("many").data("\"after\""));
            for (RawClient c : fast) {
                assertEquals("\"after\"", c.expect(EventAction.EMIT).data());
                assertTrue(!c.isClosed());
            }
        } finally {
            fast.forEach(RawClient::close);
        }
    }
}
