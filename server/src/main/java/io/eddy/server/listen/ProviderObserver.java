package io.eddy.server.listen;

/** Hears when a name gains or loses its active provider (records tell their subscribers; events do not). */
public interface ProviderObserver {

    ProviderObserver NONE = new ProviderObserver() {
        @Override
        public void onProviderAdded(String name) {
        }

        @Override
        public void onProviderRemoved(String name) {
        }
    };

    void onProviderAdded(String name);

    void onProviderRemoved(String name);
}
