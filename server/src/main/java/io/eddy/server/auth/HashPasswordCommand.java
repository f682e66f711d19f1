package io.eddy.server.auth;

import java.io.Console;

/**
 * Prints a users-file password entry: {@code bin/eddy-hash-password [--hash md5] [--iterations 100]
 * [--key-length 32] [password]}. Without a password argument it asks for one without echoing it.
 */
public final class HashPasswordCommand {

    private HashPasswordCommand() {
    }

    public static void main(String[] args) {
        String digest = "md5";
        int iterations = 100;
        int keyLength = 32;
        String password = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--hash" -> digest = value(args, ++i);
                case "--iterations" -> iterations = Integer.parseInt(value(args, ++i));
                case "--key-length" -> keyLength = Integer.parseInt(value(args, ++i));
                case "-h", "--help" -> {
                    usage();
                    return;
                }
                default -> password = args[i];
            }
        }
        if (password == null) {
            Console console = System.console();
            if (console == null) {
                usage();
                System.exit(2);
            }
            password = new String(console.readPassword("password: "));
        }
        System.out.println(new PasswordHash(digest, iterations, keyLength).hash(password));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage();
            System.exit(2);
        }
        return args[i];
    }

    private static void usage() {
        System.err.println("usage: eddy-hash-password [--hash md5|sha1|sha256|sha512] [--iterations N] [--key-length N] [password]");
        System.err.println("The options must match eddy.auth.file.hash/iterations/key-length (defaults: md5, 100, 32).");
    }
}
