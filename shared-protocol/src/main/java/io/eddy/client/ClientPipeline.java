package io.eddy.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.net.URI;

/**
 * Assembles the pipeline of one client socket, in this order: TLS (wss only) → HTTP codec → handshake response
 * aggregator → WebSocket protocol (handshake, control frames, close) → continuation-frame aggregator → the Eddy
 * frame handler, which only ever sees complete data frames.
 */
final class ClientPipeline extends ChannelInitializer<Channel> {

    /** The handshake response is headers only; anything bigger is not a WebSocket server. */
    private static final int HANDSHAKE_RESPONSE_LIMIT = 16 * 1024;

    private final URI url;
    private final SslContext tls;
    private final ClientOptions options;
    private final Connection connection;

    ClientPipeline(URI url, SslContext tls, ClientOptions options, Connection connection) {
        this.url = url;
        this.tls = tls;
        this.options = options;
        this.connection = connection;
    }

    @Override
    protected void initChannel(Channel channel) {
        ChannelPipeline pipeline = channel.pipeline();
        if (tls != null) {
            int port = url.getPort() == -1 ? 443 : url.getPort();
            SslHandler handler = tls.newHandler(channel.alloc(), url.getHost(), port);
            SSLEngine engine = handler.engine();
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS"); // Netty leaves host name checking off
            engine.setSSLParameters(parameters);
            pipeline.addLast("tls", handler);
        }
        pipeline.addLast("http", new HttpClientCodec());
        pipeline.addLast("handshake-aggregator", new HttpObjectAggregator(HANDSHAKE_RESPONSE_LIMIT));
        pipeline.addLast("websocket", new WebSocketClientProtocolHandler(WebSocketClientProtocolConfig.newBuilder()
                .webSocketUri(url)
                .version(WebSocketVersion.V13)
                .maxFramePayloadLength(options.maxFramePayloadLength())
                .handshakeTimeoutMillis(options.connectTimeout().toMillis())
                .build()));
        pipeline.addLast("frame-aggregator", new WebSocketFrameAggregator(options.maxFramePayloadLength()));
        pipeline.addLast("eddy", new FrameHandler(connection));
    }
}
