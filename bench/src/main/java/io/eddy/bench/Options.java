package io.eddy.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code --key value} command-line options. */
final class Options {

    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = values;
    }

    static Options parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --key value pairs, got " + String.join(" ", args));
            }
            options.put(args[i].substring(2), args[++i]);
        }
        return new Options(options);
    }

    boolean has(String key) {
        return values.containsKey(key);
    }

    String get(String key) {
        return values.get(key);
    }

    String get(String key, String otherwise) {
        return values.getOrDefault(key, otherwise);
    }

    int integer(String key, int otherwise) {
        return has(key) ? Integer.parseInt(get(key)) : otherwise;
    }

    /** The project directory ({@code --root}, default the working directory): servers and outputs are found from it. */
    Path root() {
        return Path.of(get("root", ".")).toAbsolutePath().normalize();
    }

    /** {@code --targets}, comma-separated. */
    List<Target> targets(String otherwise) {
        List<Target> targets = new ArrayList<>();
        for (String name : get("targets", otherwise).split(",")) {
            targets.add(Target.parse(name));
        }
        return targets;
    }

    /** Writes a runner's markdown report to {@code --out} (relative to the root), if that option is given. */
    void writeOut(String markdown) throws IOException {
        if (has("out")) {
            Path out = root().resolve(get("out"));
            Files.createDirectories(out.getParent());
            Files.writeString(out, markdown);
        }
    }
}
