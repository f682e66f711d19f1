package io.eddy.client;

import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class BuilderTest {

    @Test
    void urlsGetDeepstreamsDefaultPathAndWebSocketSchemes() {
        assertEquals("ws://host:6020/deepstream", normalize("ws://host:6020"));
        assertEquals("ws://host:6020/custom?x=1", normalize("ws://host:6020/custom?x=1"));
        assertEquals("ws://127.0.0.1:8080/deepstream", normalize("http://127.0.0.1:8080/deepstream"));
        assertEquals("wss://example.com/deepstream", normalize("https://example.com"));
        assertEquals("ws://[::1]:6020/deepstream", normalize("ws://[::1]:6020"));
    }

    @Test
    void otherUrlsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> normalize("ftp://host/deepstream"));
        assertThrows(IllegalArgumentException.class, () -> normalize("/deepstream"));
    }

    @Test
    void reconnectDelaysGrowLinearlyUpToTheMaximumAndStartAtZero() {
        ClientOptions options = new ClientOptions(URI.create("ws://h/deepstream"), Duration.ofSeconds(30),
                Duration.ofSeconds(4), Duration.ofSeconds(10), 5, Duration.ofSeconds(2), Duration.ofSeconds(2),
                10, true, 1024, Duration.ofSeconds(1), NioSocketChannel.class, null);

        assertEquals(0, options.reconnectDelayMillis(0));
        assertEquals(4000, options.reconnectDelayMillis(1));
        assertEquals(8000, options.reconnectDelayMillis(2));
        assertEquals(10000, options.reconnectDelayMillis(3));
    }

    @Test
    void invalidSettingsAreRefusedWhenSet() {
        EddyClient.Builder builder = EddyClient.builder(URI.create("ws://h"));
        assertThrows(IllegalArgumentException.class, () -> builder.heartbeatInterval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> builder.maxReconnectAttempts(-1));
        assertThrows(IllegalArgumentException.class, () -> builder.offlineBufferSize(-1));
        assertThrows(IllegalArgumentException.class, () -> builder.subscriptionTimeout(Duration.ofMillis(-1)));
    }

    private static String normalize(String url) {
        return EddyClient.Builder.normalize(URI.create(url)).toString();
    }
}
