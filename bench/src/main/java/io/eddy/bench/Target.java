package io.eddy.bench;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A server the benchmark measures: how to start it and how to talk to it. */
enum Target {
    EDDY("Eddy"),
    EDDY_MULTI("Eddy, multi-message frames"),
    /** The same with the throughput collector instead of G1: what the collector costs on the biggest rows. */
    EDDY_MULTI_PARALLEL_GC("Eddy, multi-message frames, ParallelGC"),
    DEEPSTREAM("deepstream 7.0.2"),
    SOCKETIO("socket.io 4.8.4"),
    BARE("bare Netty forwarder");

    final String label;

    Target(String label) {
        this.label = label;
    }

    static Target parse(String name) {
        return switch (name.trim().toLowerCase()) {
            case "eddy" -> EDDY;
            case "eddy-multi" -> EDDY_MULTI;
            case "eddy-multi-parallelgc" -> EDDY_MULTI_PARALLEL_GC;
            case "deepstream" -> DEEPSTREAM;
            case "socketio", "socket.io" -> SOCKETIO;
            case "bare" -> BARE;
            default -> throw new IllegalArgumentException("unknown target " + name
                    + " (eddy, eddy-multi, eddy-multi-parallelgc, deepstream, socketio, bare)");
        };
    }

    /** A started server and the peer that speaks its protocol. */
    record Running(ServerProcess process, Peer peer) {
    }

    Running start(Path root, Path work, int payloadBytes) throws Exception {
        int port = ServerProcess.freePort();
        Path dir = Files.createDirectories(work.resolve(name().toLowerCase()));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        URI ws = URI.create("ws://127.0.0.1:" + port + "/deepstream");
        return switch (this) {
            case EDDY, EDDY_MULTI, EDDY_MULTI_PARALLEL_GC -> {
                List<String> cmd = new ArrayList<>(List.of(java));
                if (this == EDDY_MULTI_PARALLEL_GC) {
                    cmd.add("-XX:+UseParallelGC");
                }
                // as bin/eddy starts it; -Deddy.bench.jvm="…" adds options when comparing settings
                cmd.addAll(jvmOptions(root));
                String extra = System.getProperty("eddy.bench.jvm", "");
                if (!extra.isBlank()) {
                    cmd.addAll(List.of(extra.trim().split("\\s+")));
                }
                cmd.addAll(List.of("-Dquarkus.http.port=" + port,
                        "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.log.category.\"io.eddy\".level=WARN",
                        // the generator sends each publication in one burst; the limit is for abusive clients
                        "-Deddy.connection.max-messages-per-second=0",
                        "-jar", root.resolve("server/target/quarkus-app/quarkus-run.jar").toString()));
                ServerProcess p = ServerProcess.start("eddy", cmd, dir,
                        URI.create("http://127.0.0.1:" + port + "/health-check"), port);
                yield new Running(p, new DeepstreamPeer(ws, this != EDDY, payloadBytes));
            }
            case DEEPSTREAM -> {
                Path config = dir.resolve("config.yml");
                Files.writeString(config, deepstreamConfig(port));
                List<String> cmd = List.of("node", root.resolve("bench/peers/node_modules/@deepstream/server/dist/bin/deepstream")
                        .toString(), "start", "-c", config.toString());
                ServerProcess p = ServerProcess.start("deepstream", cmd, dir,
                        URI.create("http://127.0.0.1:" + port + "/health-check"), port);
                yield new Running(p, new DeepstreamPeer(ws, false, payloadBytes));
            }
            case SOCKETIO -> {
                List<String> cmd = List.of("node", root.resolve("bench/peers/socketio-server.js").toString(),
                        "--port", Integer.toString(port));
                ServerProcess p = ServerProcess.start("socketio", cmd, dir, null, port);
                yield new Running(p, new SocketIoPeer(URI.create("ws://127.0.0.1:" + port), payloadBytes));
            }
            case BARE -> {
                List<String> cmd = List.of(java, "-cp", absoluteClassPath(),
                        BareForwarder.class.getName(), "--port", Integer.toString(port));
                ServerProcess p = ServerProcess.start("bare", cmd, dir, null, port);
                yield new Running(p, new BarePeer(URI.create("ws://127.0.0.1:" + port + "/"), payloadBytes));
            }
        };
    }

    /** The peer for a server of this kind that is already running at {@code uri}. */
    Peer peer(URI uri, int payloadBytes) {
        return switch (this) {
            case EDDY, DEEPSTREAM -> new DeepstreamPeer(uri, false, payloadBytes);
            case EDDY_MULTI, EDDY_MULTI_PARALLEL_GC -> new DeepstreamPeer(uri, true, payloadBytes);
            case SOCKETIO -> new SocketIoPeer(uri, payloadBytes);
            case BARE -> new BarePeer(uri, payloadBytes);
        };
    }

    /** The options of config/jvm.options, comments left out. */
    static List<String> jvmOptions(Path root) throws java.io.IOException {
        Path file = root.resolve("config/jvm.options");
        List<String> options = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.trim();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    options.addAll(List.of(trimmed.split("\\s+")));
                }
            }
        }
        return options;
    }

    /** The generator's own class path, usable from the server's working directory. */
    private static String absoluteClassPath() {
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            entries.add(Path.of(entry).toAbsolutePath().toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    /** deepstream with nothing but the binary endpoint, open auth, no permissions, and logging off. */
    private static String deepstreamConfig(int port) {
        return String.join("\n",
                "serverName: bench",
                "showLogo: false",
                "logLevel: OFF",
                "logger:",
                "  type: default",
                "  options:",
                "    colors: false",
                // its default logs every delivery; the std-out logger of 7.0.2 reads the level here
                "    logLevel: OFF",
                "httpServer:",
                "  type: default",
                "  options:",
                "    host: 127.0.0.1",
                "    port: " + port,
                "    healthCheckPath: /health-check",
                "connectionEndpoints:",
                "  - type: ws-binary",
                "    options:",
                "      urlPath: /deepstream",
                "      maxMessageSize: 1048576",
                "      outgoingBufferTimeout: 0",
                "auth:",
                "  - type: none",
                "permission:",
                "  type: none",
                "monitoring:",
                "  type: none",
                "telemetry:",
                "  type: deepstreamIO",
                "  options:",
                "    enabled: false",
                "");
    }
}
