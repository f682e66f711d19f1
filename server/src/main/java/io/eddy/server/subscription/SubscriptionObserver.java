package io.eddy.server.subscription;

/**
 * Hears when a name gains its first subscriber or loses its last one. Calls for one name from different threads
 * can arrive out of order, so an observer re-checks {@link SubscriptionRegistry#hasSubscribers} before acting.
 */
public interface SubscriptionObserver {

    void onFirstSubscriber(String name);

    void onLastSubscriberRemoved(String name);
}
