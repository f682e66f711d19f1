package io.eddy.client;

import io.eddy.protocol.Topic;

/**
 * Receives errors that belong to no particular call, like the JavaScript client's
 * {@code client.on('error', (error, event, topic) => …)}. Runs on the client's I/O thread and must not block.
 * <p>
 * {@code event} is the name of the server's error action when the server reported it, otherwise a client-side
 * event name:
 * <table>
 * <caption>Events</caption>
 * <tr><th>Topic</th><th>event</th><th>detail</th></tr>
 * <tr><td>CONNECTION</td><td>CONNECTION_ERROR</td><td>why the socket could not be opened or failed</td></tr>
 * <tr><td>CONNECTION</td><td>HEARTBEAT_TIMEOUT</td><td>nothing was received for two heartbeat intervals</td></tr>
 * <tr><td>CONNECTION</td><td>AUTHENTICATION_TIMEOUT, CHALLENGE_DENIED, INVALID_MESSAGE</td><td>–</td></tr>
 * <tr><td>CONNECTION</td><td>MAX_RECONNECTION_ATTEMPTS_REACHED</td><td>the number of attempts</td></tr>
 * <tr><td>AUTH</td><td>TOO_MANY_AUTH_ATTEMPTS, INVALID_MESSAGE, INVALID_MESSAGE_DATA</td><td>–</td></tr>
 * <tr><td>AUTH</td><td>REAUTHENTICATION_FAILURE</td><td>the reason, when the automatic login after a reconnect
 *     was refused</td></tr>
 * <tr><td>EVENT</td><td>MESSAGE_DENIED, MESSAGE_PERMISSION_ERROR, MULTIPLE_SUBSCRIPTIONS,
 *     INVALID_MESSAGE_DATA</td><td>the event name</td></tr>
 * <tr><td>EVENT</td><td>INVALID_LISTEN_REGEX</td><td>the pattern</td></tr>
 * <tr><td>EVENT</td><td>LISTEN_RESPONSE_TIMEOUT</td><td>the subscription the provider did not answer in time</td></tr>
 * <tr><td>EVENT</td><td>ACK_TIMEOUT</td><td>the request that got no acknowledgement</td></tr>
 * <tr><td>EVENT</td><td>CLIENT_OFFLINE</td><td>the name of an emit dropped from the offline buffer</td></tr>
 * <tr><td>EVENT</td><td>MESSAGE_PARSE_ERROR</td><td>event data that is not JSON</td></tr>
 * <tr><td>RECORD</td><td>the server's error action: MESSAGE_DENIED, MESSAGE_PERMISSION_ERROR, RECORD_NOT_FOUND,
 *     RECORD_UPDATE_ERROR, INVALID_MESSAGE_DATA, INVALID_VERSION, STORAGE_RETRIEVAL_TIMEOUT, CACHE_RETRIEVAL_TIMEOUT,
 *     RECORD_LOAD_ERROR, RECORD_CREATE_ERROR, RECORD_DELETE_ERROR, INVALID_PATCH_ON_HOTPATH,
 *     MULTIPLE_SUBSCRIPTIONS, INVALID_LISTEN_REGEX</td><td>the record name (the pattern for listening); reported
 *     also when a future of the call fails with it</td></tr>
 * <tr><td>RECORD</td><td>RECORD_NOTIFY_ERROR</td><td>the server's message</td></tr>
 * <tr><td>RECORD</td><td>LISTEN_RESPONSE_TIMEOUT</td><td>the record the provider did not answer for in time</td></tr>
 * <tr><td>RECORD</td><td>ACK_TIMEOUT</td><td>the subscribe, unsubscribe or listen that got no acknowledgement</td></tr>
 * <tr><td>RECORD</td><td>CLIENT_OFFLINE</td><td>a setData dropped from the offline buffer; a write without
 *     acknowledgement made offline (it is kept locally and reconciled after the reconnect)</td></tr>
 * <tr><td>RECORD</td><td>MERGE_FAILED</td><td>a merge strategy threw or returned no object or array; the server's
 *     state was taken</td></tr>
 * <tr><td>RECORD</td><td>INVALID_PATH</td><td>a write whose path does not fit the data (a key on an array)</td></tr>
 * <tr><td>RECORD</td><td>RECORD_ALREADY_DESTROYED</td><td>a write without acknowledgement to a deleted record</td></tr>
 * <tr><td>RECORD</td><td>RECORD_DELETE_TIMEOUT, MESSAGE_PARSE_ERROR</td><td>the record name</td></tr>
 * <tr><td>RPC</td><td>MESSAGE_DENIED, MESSAGE_PERMISSION_ERROR</td><td>a name this client may not provide (the
 *     provider is removed; requests it makes fail instead)</td></tr>
 * <tr><td>RPC</td><td>MULTIPLE_PROVIDERS, MULTIPLE_ACCEPT</td><td>the RPC name</td></tr>
 * <tr><td>RPC</td><td>INVALID_RPC_CORRELATION_ID</td><td>the RPC name, when an answer this client gave as a
 *     provider came after the server had ended the call (a timeout)</td></tr>
 * <tr><td>RPC</td><td>UNKNOWN_CORRELATION_ID</td><td>an answer to a call this client does not have (any
 *     more)</td></tr>
 * <tr><td>RPC</td><td>ACK_TIMEOUT</td><td>the provide or unprovide that got no acknowledgement</td></tr>
 * <tr><td>RPC</td><td>MESSAGE_PARSE_ERROR</td><td>a request whose data is not JSON (answered with
 *     REQUEST_ERROR)</td></tr>
 * <tr><td>PRESENCE</td><td>MESSAGE_DENIED, MESSAGE_PERMISSION_ERROR</td><td>the user of a refused subscription
 *     (null for everybody); its callbacks are removed. Refused queries fail instead</td></tr>
 * <tr><td>PRESENCE</td><td>MULTIPLE_SUBSCRIPTIONS</td><td>the user</td></tr>
 * <tr><td>PRESENCE</td><td>ACK_TIMEOUT</td><td>the subscribe or unsubscribe that got no acknowledgement</td></tr>
 * <tr><td>any</td><td>UNSOLICITED_MESSAGE</td><td>a message the client did not expect</td></tr>
 * <tr><td>PARSER</td><td>the PARSER action (UNKNOWN_TOPIC …), or MESSAGE_PARSE_ERROR for an undecodable frame</td>
 *     <td>what the server or decoder said</td></tr>
 * </table>
 */
@FunctionalInterface
public interface ClientErrorListener {

    /**
     * @param topic  the topic the error belongs to
     * @param event  the error's name, see the table above
     * @param detail what it concerns (an event name, a pattern …); may be null
     */
    void onError(Topic topic, String event, String detail);
}
