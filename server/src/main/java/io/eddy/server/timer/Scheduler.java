package io.eddy.server.timer;

import java.time.Duration;

/** Runs short tasks later. Tasks run on a timer thread and must not block; hop to a connection's thread for I/O. */
public interface Scheduler extends AutoCloseable {

    Timeout schedule(Runnable task, Duration delay);

    /** Repeats every {@code period} until the returned timeout is cancelled. */
    Timeout scheduleAtFixedRate(Runnable task, Duration period);

    @Override
    void close();
}
