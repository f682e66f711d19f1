package io.eddy.client;

import io.eddy.protocol.Topic;

/**
 * Completes a client future exceptionally; {@link #event()} says why:
 * <ul>
 * <li>{@code ACK_TIMEOUT}: the server did not acknowledge a subscribe or listen within the subscription timeout;</li>
 * <li>{@code MESSAGE_DENIED}, {@code MESSAGE_PERMISSION_ERROR}, {@code INVALID_LISTEN_REGEX}: the server refused it;</li>
 * <li>{@code LISTENER_EXISTS}: this client already listens to the pattern;</li>
 * <li>{@code LOGIN_IN_PROGRESS}, {@code ALREADY_AUTHENTICATED}, {@code INVALID_MESSAGE_DATA}: see
 *     {@link EddyClient#login};</li>
 * <li>the reason the client stopped while the request waited: {@code TOO_MANY_AUTH_ATTEMPTS},
 *     {@code AUTHENTICATION_TIMEOUT}, {@code CHALLENGE_DENIED}, {@code MAX_RECONNECTION_ATTEMPTS_REACHED}, or
 *     {@code IS_CLOSED} after {@link EddyClient#close()};</li>
 * <li>{@code IS_CLOSED}: the request was made after the client had stopped;</li>
 * <li>records: the server's error action ({@code RECORD_NOT_FOUND}, {@code VERSION_EXISTS}, {@code MESSAGE_DENIED},
 *     {@code INVALID_MESSAGE_DATA}, {@code RECORD_UPDATE_ERROR}, {@code STORAGE_RETRIEVAL_TIMEOUT} …);
 *     {@code CLIENT_OFFLINE} when a request could not reach the server or the connection dropped before its answer;
 *     {@code RESPONSE_TIMEOUT} and {@code RECORD_DELETE_TIMEOUT}; {@code RECORD_ALREADY_DESTROYED} for a deleted,
 *     discarded or refused record; {@code RECORD_DELETED} for what waited on a record that got deleted;
 *     {@code INVALID_PATH} for a path that does not fit the data;</li>
 * <li>RPC calls: an {@link RpcException} ({@code NO_RPC_PROVIDER}, {@code ACCEPT_TIMEOUT}, {@code RESPONSE_TIMEOUT},
 *     {@code REQUEST_ERROR} with the provider's error data, {@code MESSAGE_DENIED}, {@code CLIENT_OFFLINE} …);
 *     {@code PROVIDER_EXISTS} when this client provides the name already;</li>
 * <li>presence queries: {@code RESPONSE_TIMEOUT} (no answer within the subscription timeout), {@code CLIENT_OFFLINE},
 *     {@code MESSAGE_DENIED}, {@code MESSAGE_PARSE_ERROR}.</li>
 * </ul>
 */
public class EddyClientException extends RuntimeException {

    private final Topic topic;
    private final String event;

    public EddyClientException(Topic topic, String event, String detail) {
        super(detail == null ? topic + " " + event : topic + " " + event + ": " + detail, null, false, false);
        this.topic = topic;
        this.event = event;
    }

    public Topic topic() {
        return topic;
    }

    public String event() {
        return event;
    }
}
