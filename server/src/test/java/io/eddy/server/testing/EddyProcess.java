package io.eddy.server.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server ({@code target/quarkus-app/quarkus-run.jar}) as a child process, for tests that must kill it:
 * started in a working directory of the test's, with -D properties, and ended by its own PID — never anything else.
 */
public final class EddyProcess implements AutoCloseable {

    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();

    private final Path workDir;
    private final Map<String, String> properties;
    private final int port;
    private Process process;

    public EddyProcess(Path workDir, Map<String, String> properties) throws IOException {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException("package the server first (./mvnw package): " + JAR);
        }
        this.workDir = workDir;
        this.properties = properties;
        this.port = freePort();
    }

    public EddyProcess start() throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port, "-Dquarkus.http.host=127.0.0.1"));
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.addAll(List.of("-jar", JAR.toString()));
        process = new ProcessBuilder(command).directory(workDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(workDir.resolve("server.log").toFile()))
                .start();
        awaitHealthy(Duration.ofSeconds(60));
        return this;
    }

    public URI uri() {
        return URI.create("ws://127.0.0.1:" + port + "/deepstream");
    }

    /** SIGKILL: the process gets no chance to flush or close anything. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("server process " + process.pid() + " did not die");
        }
    }

    public long pid() {
        return process.pid();
    }

    public String log() throws IOException {
        Path log = workDir.resolve("server.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private void awaitHealthy(Duration limit) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health-check"))
                .timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("server exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                if (http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        throw new AssertionError("server not healthy within " + limit + ":\n" + log());
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
