package io.eddy.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.Channel;

import java.net.URI;
import java.time.Duration;

/** The validated settings of one client; see {@link EddyClient.Builder} for their meaning. */
record ClientOptions(URI url,
                     Duration heartbeatInterval,
                     Duration reconnectIntervalIncrement,
                     Duration maxReconnectInterval,
                     int maxReconnectAttempts,
                     Duration subscriptionTimeout,
                     Duration offlineBufferTimeout,
                     int offlineBufferSize,
                     boolean multiMessageFrames,
                     int maxFramePayloadLength,
                     Duration connectTimeout,
                     Class<? extends Channel> channelType,
                     ObjectMapper json) {

    /** Reported in CHALLENGE; the server only counts SDK versions. */
    static final String SDK_VERSION = "0.1.0";
    static final String SDK_TYPE = "java";
    static final String PROTOCOL_VERSION = "0.1a";

    /** Upper size of one packed multi-message frame; a single larger message still goes alone. */
    static final int PACK_LIMIT = 64 * 1024;

    /** The reconnect delay before attempt number {@code attempt} (0-based): immediately, then growing linearly. */
    long reconnectDelayMillis(int attempt) {
        return Math.min(maxReconnectInterval.toMillis(), reconnectIntervalIncrement.toMillis() * attempt);
    }
}
