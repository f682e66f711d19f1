package io.eddy.server.interop;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the interop suite of {@code interop/} — the real {@code @deepstream/client} 7.0.5 against the packaged Eddy
 * server — as part of {@code ./mvnw verify}. The same suite runs against deepstream 7.0.2 with
 * {@code node interop/run.mjs --target deepstream}.
 */
class InteropIT {

    private static final Path INTEROP = Path.of("..", "interop").toAbsolutePath().normalize();
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath();

    @Test
    void officialClientAgainstEddy() throws Exception {
        // CI always has Node (.ci/run installs it); a developer machine without it skips, and says so
        Assumptions.assumeTrue(onPath("node"), "node is not on PATH: the @deepstream/client interop suite is skipped");
        assertTrue(Files.isRegularFile(JAR), "package the server first: " + JAR);
        if (!Files.isDirectory(INTEROP.resolve("node_modules/@deepstream/client"))) {
            assertEquals(0, run(List.of("npm", "ci", "--no-audit", "--no-fund"), 10), "npm ci in " + INTEROP);
        }
        List<String> command = new ArrayList<>(List.of("node", "run.mjs", "--target", "eddy", "--eddy-jar", JAR.toString()));
        assertEquals(0, run(command, 15), "interop suite failed; its output above names the failing tests");
    }

    /**
     * Runs a command with its output in a file that is then printed through {@code System.out}: the forked test JVM's
     * own stdin and stdout are failsafe's channel, and a child that inherits them (npm reads stdin) corrupts it.
     */
    private static int run(List<String> command, int timeoutMinutes) throws IOException, InterruptedException {
        Path output = Files.createTempFile(Path.of("target"), "interop-", ".log");
        Process process = new ProcessBuilder(command).directory(INTEROP.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        try {
            if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                throw new AssertionError(String.join(" ", command) + " did not finish within " + timeoutMinutes + " minutes");
            }
            return process.exitValue();
        } finally {
            System.out.println(Files.readString(output));
            Files.delete(output);
        }
    }

    private static boolean onPath(String executable) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, executable))) {
                return true;
            }
        }
        return false;
    }
}
