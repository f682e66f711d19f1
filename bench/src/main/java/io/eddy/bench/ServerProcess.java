package io.eddy.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server under test, started as a child process and ended by its own PID. */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final String name;

    private ServerProcess(Process process, String name) {
        this.process = process;
        this.name = name;
    }

    /** Starts {@code command} in {@code dir} and waits until {@code readiness} answers 2xx, or a TCP port accepts. */
    static ServerProcess start(String name, List<String> command, Path dir, URI readiness, int port) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(name + ".log").toFile())).start();
        ServerProcess server = new ServerProcess(p, name);
        // HTTP/1.1: the default h2c upgrade attempt leaves some servers (deepstream) hanging
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + "; see " + dir.resolve(name + ".log"));
            }
            try {
                if (readiness != null) {
                    int status = http.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status / 100 == 2) {
                        return server;
                    }
                } else {
                    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                        return server;
                    }
                }
            } catch (IOException notYet) {
                // starting
            }
            Thread.sleep(100);
        }
        server.close();
        throw new IllegalStateException(name + " did not become ready within 90 s");
    }

    /** Resident set size in KiB, from /proc (Linux). */
    long rssKib() throws IOException {
        for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(15, TimeUnit.SECONDS);
        }
        System.out.println("  stopped " + name + " (pid " + process.pid() + ")");
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
