package io.eddy.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.quarkus.test.common.http.TestHTTPResource;
import org.junit.jupiter.api.AfterEach;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients against the server under test. They share one event loop group, as a load generator's clients would;
 * every client a test creates is closed after it.
 */
abstract class ClientTestBase {

    static final EventLoopGroup SHARED_GROUP = new NioEventLoopGroup(2, new DefaultThreadFactory("test-clients", true));

    @TestHTTPResource("/deepstream")
    URI httpUri;

    private final List<EddyClient> clients = new CopyOnWriteArrayList<>();

    URI serverUri() {
        return URI.create(httpUri.toString().replaceFirst("^http", "ws"));
    }

    int serverPort() {
        return httpUri.getPort();
    }

    EddyClient.Builder builder(ClientRecorder recorder) {
        return builder(serverUri(), recorder);
    }

    EddyClient.Builder builder(URI uri, ClientRecorder recorder) {
        return EddyClient.builder(uri)
                .eventLoopGroup(SHARED_GROUP)
                .onError(recorder)
                .onConnectionStateChanged(recorder);
    }

    EddyClient track(EddyClient client) {
        clients.add(client);
        return client;
    }

    /** A client logged in with open auth as {@code username}. */
    EddyClient loggedIn(String username) {
        return loggedIn(builder(new ClientRecorder()), username);
    }

    EddyClient loggedIn(EddyClient.Builder builder, String username) {
        EddyClient client = track(builder.build());
        LoginResult result = Await.result(client.login(Map.of("username", username)));
        assertTrue(result.isSuccess(), () -> "login of " + username + ": " + result);
        return client;
    }

    @AfterEach
    void closeClients() {
        clients.forEach(EddyClient::close);
        clients.clear();
    }
}
