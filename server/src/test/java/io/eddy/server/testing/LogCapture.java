package io.eddy.server.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Collects the warnings one class logs while it is open, for tests of what an operator gets told. */
public final class LogCapture extends Handler implements AutoCloseable {

    private final Logger logger;
    private final List<String> warnings = new CopyOnWriteArrayList<>();

    public LogCapture(Class<?> source) {
        logger = Logger.getLogger(source.getName());
        logger.addHandler(this);
    }

    /** The warnings so far, once there is at least one or five seconds have passed. */
    public List<String> awaitWarnings() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (warnings.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return List.copyOf(warnings);
    }

    @Override
    public void publish(LogRecord record) {
        if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
            Object[] parameters = record.getParameters();
            String message = record.getMessage();
            // Eddy logs with JBoss Logging's printf-style methods (warnf), which pass the pattern and its arguments on
            warnings.add(parameters == null || parameters.length == 0 ? message : String.format(message, parameters));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        logger.removeHandler(this);
    }
}
