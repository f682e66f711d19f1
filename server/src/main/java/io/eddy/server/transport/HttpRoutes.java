package io.eddy.server.transport;

import io.eddy.server.config.EddyConfig;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Plain HTTP next to the WebSocket: deepstream's {@code GET /health-check}, and the configurable endpoint path,
 * served by rerouting it to the endpoint's fixed path (the fixed path then answers only rerouted requests).
 */
@ApplicationScoped
public class HttpRoutes {

    private static final String REROUTED = "eddy.rerouted";

    void routes(@Observes Router router, EddyConfig config) {
        router.get("/health-check").handler(rc -> rc.response().setStatusCode(200).end());

        String path = config.server().path();
        if (!path.equals(DeepstreamEndpoint.PATH)) {
            router.route(path).order(-100).handler(rc -> {
                rc.put(REROUTED, Boolean.TRUE);
                rc.reroute(DeepstreamEndpoint.PATH);
            });
            router.route(DeepstreamEndpoint.PATH).order(-99).handler(rc -> {
                if (rc.get(REROUTED) == null) {
                    rc.response().setStatusCode(404).end();
                } else {
                    rc.next();
                }
            });
        }
    }
}
