package io.eddy.server.timer;

/** A pending task; cancelling one that already ran is harmless. */
public interface Timeout {

    Timeout NONE = () -> { };

    void cancel();
}
