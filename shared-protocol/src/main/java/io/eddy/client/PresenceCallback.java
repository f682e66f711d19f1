package io.eddy.client;

/**
 * Told when a user comes online or goes offline ({@link Presence#subscribe}). A user is online while at least one
 * of its connections is logged in, so a user with several connections joins once and leaves once. Runs on the
 * client's I/O thread and must not block.
 */
@FunctionalInterface
public interface PresenceCallback {

    /**
     * @param user   the user id, as the server's authentication returned it
     * @param online true when the user came online (PRESENCE_JOIN), false when it went offline (PRESENCE_LEAVE)
     */
    void onPresenceChange(String user, boolean online);
}
