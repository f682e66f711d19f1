package io.eddy.server.health;

import io.eddy.server.node.EddyNode;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** Reports the node under /q/health with its connection counts. */
@Liveness
@Readiness
@ApplicationScoped
public class NodeHealthCheck implements HealthCheck {

    @Inject
    EddyNode node;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("eddy-node").up()
                .withData("connections", node.sessions().size())
                .withData("messagesReceived", node.metrics().messagesReceived.sum())
                .withData("messagesSent", node.metrics().messagesSent.sum())
                .withData("recordStore", node.records().storeDescription())
                .build();
    }
}
