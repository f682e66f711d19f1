package io.eddy.server.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * deepstream's users-file password format: {@code base64(PBKDF2(password, salt)) + salt}, where the salt is the
 * base64 text of 16 random bytes and is itself fed to PBKDF2 as UTF-8 text. Node's digest names are accepted
 * (md5, sha1, sha256 …; deepstream's default is md5 with 100 iterations and a 32-byte key), so a users file
 * written for deepstream works unchanged. {@code none} means the file holds clear-text passwords.
 * <p>
 * Only JDK classes are used so that {@link HashPasswordCommand} runs from the plain jar.
 */
public final class PasswordHash {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String macAlgorithm;
    private final int iterations;
    private final int keyLength;

    public PasswordHash(String digest, int iterations, int keyLength) {
        this.macAlgorithm = "none".equalsIgnoreCase(digest) ? null : macName(digest);
        this.iterations = iterations;
        this.keyLength = keyLength;
        if (macAlgorithm != null) {
            if (iterations < 1 || keyLength < 1) {
                throw new IllegalArgumentException("iterations and key length must be positive");
            }
            pbkdf2("probe", "probe"); // fails now, at startup, for a digest this JVM does not have
        }
    }

    /** Hashes a new password with a random salt. */
    public String hash(String password) {
        if (macAlgorithm == null) {
            return password;
        }
        byte[] saltBytes = new byte[16];
        RANDOM.nextBytes(saltBytes);
        String salt = Base64.getEncoder().encodeToString(saltBytes);
        return Base64.getEncoder().encodeToString(pbkdf2(password, salt)) + salt;
    }

    /** Checks a password against a stored entry, in time independent of where they differ. */
    public boolean matches(String password, String stored) {
        if (macAlgorithm == null) {
            return MessageDigest.isEqual(password.getBytes(StandardCharsets.UTF_8), stored.getBytes(StandardCharsets.UTF_8));
        }
        int hashChars = 4 * ((keyLength + 2) / 3);
        if (stored.length() < hashChars) {
            return false;
        }
        String expected = stored.substring(0, hashChars);
        String actual = Base64.getEncoder().encodeToString(pbkdf2(password, stored.substring(hashChars)));
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), actual.getBytes(StandardCharsets.US_ASCII));
    }

    private byte[] pbkdf2(String password, String salt) {
        try {
            Mac mac = Mac.getInstance(macAlgorithm);
            byte[] key = password.getBytes(StandardCharsets.UTF_8);
            // HMAC keys may be empty, which SecretKeySpec refuses; a zero byte is the same HMAC key
            mac.init(new SecretKeySpec(key.length == 0 ? new byte[1] : key, macAlgorithm));
            byte[] saltBytes = salt.getBytes(StandardCharsets.UTF_8);
            int blockLength = mac.getMacLength();
            byte[] out = new byte[keyLength];
            for (int block = 1, offset = 0; offset < keyLength; block++, offset += blockLength) {
                mac.update(saltBytes);
                mac.update(new byte[] {(byte) (block >>> 24), (byte) (block >>> 16), (byte) (block >>> 8), (byte) block});
                byte[] u = mac.doFinal();
                byte[] t = u.clone();
                for (int i = 1; i < iterations; i++) {
                    u = mac.doFinal(u);
                    for (int j = 0; j < t.length; j++) {
                        t[j] ^= u[j];
                    }
                }
                System.arraycopy(t, 0, out, offset, Math.min(blockLength, keyLength - offset));
            }
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2 with " + macAlgorithm + " is not available", e);
        }
    }

    private static String macName(String digest) {
        String d = digest.toLowerCase(Locale.ROOT).replace("-", "");
        return switch (d) {
            case "md5" -> "HmacMD5";
            case "sha1" -> "HmacSHA1";
            case "sha224" -> "HmacSHA224";
            case "sha256" -> "HmacSHA256";
            case "sha384" -> "HmacSHA384";
            case "sha512" -> "HmacSHA512";
            default -> throw new IllegalArgumentException("unsupported password digest '" + digest
                    + "' (use md5, sha1, sha224, sha256, sha384, sha512 or none)");
        };
    }
}
