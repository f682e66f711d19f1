package io.eddy.server.testing;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own, on a free loopback port, that fsyncs its append-only file before every reply, as
 * the Redis record store requires. Tests never use a Redis they did not start (the machine's shared one on 6379
 * included), and this class only ever signals the process it started.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final Path redisServer;
    private final Path dir;
    private final int port;
    private Process process;

    private RedisServerProcess(Path redisServer, Path dir, int port) {
        this.redisServer = redisServer;
        this.dir = dir;
        this.port = port;
    }

    /** Starts redis-server with its data and log in {@code dir}. */
    public static RedisServerProcess start(Path dir) throws IOException, InterruptedException {
        RedisServerProcess server = new RedisServerProcess(findOnPath("redis-server"), dir, freePort());
        server.start();
        return server;
    }

    public int port() {
        return port;
    }

    /** host:port, as a store's description shows it. */
    public String endpoint() {
        return "127.0.0.1:" + port;
    }

    public String connectionString() {
        return "redis://127.0.0.1:" + port;
    }

    /** The configuration of an Eddy server that stores its records in this Redis. */
    public Map<String, String> eddyStoreProperties() {
        return Map.of("eddy.storage.type", "redis", "quarkus.redis.hosts", connectionString());
    }

    public long pid() {
        return process.pid();
    }

    /** Starts the server again on the same port and directory, after {@link #kill()}. */
    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("redis-server (pid " + process.pid() + ") is still running");
        }
        Path log = dir.resolve("redis.log");
        process = new ProcessBuilder(redisServer.toString(),
                "--port", Integer.toString(port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "yes",
                "--appendfsync", "always",
                "--dir", dir.toString(),
                "--daemonize", "no")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!answersPing()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("redis-server did not start on port " + port + ":\n" + Files.readString(log));
            }
            Thread.sleep(20);
        }
    }

    /** SIGKILL, as a crash: Redis gets no chance to write anything more. */
    public synchronized void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** SIGSTOP or SIGCONT: the process keeps its connections but stops answering, as a hung server does. */
    public synchronized void signal(String signal) throws IOException, InterruptedException {
        // not inheritIO: the test JVM's stdout is the test runner's channel
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed: " + output.strip());
        }
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (process == null || !process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** HGET over a fresh connection, for tests that check what reached Redis; null when the field is missing. */
    public String hget(String key, String field) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            socket.setSoTimeout(2000);
            StringBuilder command = new StringBuilder("*3\r\n");
            for (String part : new String[] {"HGET", key, field}) {
                byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
                command.append('$').append(bytes.length).append("\r\n").append(part).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(command.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            String header = readLine(in);
            if (!header.startsWith("$")) {
                throw new IOException("unexpected reply to HGET: " + header);
            }
            int length = Integer.parseInt(header.substring(1));
            return length < 0 ? null : new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    private boolean answersPing() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            socket.setSoTimeout(1000);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = in.readNBytes(7);
            return "+PONG\r\n".equals(new String(reply, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return false;
        }
    }

    private static Path findOnPath(String executable) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry, executable);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException(executable + " is not on PATH (" + path + "). These tests start their own Redis 7"
                + " server: install it (e.g. apt-get install redis-server) or put its bin directory on PATH.");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
