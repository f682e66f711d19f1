package io.eddy.server.auth;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Known answers produced by Node's crypto.pbkdf2Sync, the function deepstream's file auth uses. */
class PasswordHashTest {

    @Test
    void matchesEntriesHashedByNode() {
        assertTrue(new PasswordHash("md5", 100, 32)
                .matches("pässwörd", "v9cNDVB/li+QTTtp1VnAhRwAEjrT4X13I7R/VqK44q8=c2FsdHNhbHRzYWx0c2FsdA=="));
        assertTrue(new PasswordHash("sha256", 1000, 64).matches("pässwörd",
                "dtgf6jQn09ygW45fuVwiZ9sh/8vE8rq7yBUuLSrNjA8gJyUY1+i9izVxEhBUZwWZlOkcoHgG8KIGlJy5gawmwg==c2FsdHNhbHRzYWx0c2FsdA=="));
        assertTrue(new PasswordHash("sha1", 1, 20)
                .matches("pässwörd", "/WP9E9aMrK+/YF2DcPOrt6Ft1D4=c2FsdHNhbHRzYWx0c2FsdA=="));
    }

    @Test
    void refusesWrongPasswordsAndBrokenEntries() {
        PasswordHash md5 = new PasswordHash("md5", 100, 32);
        assertFalse(md5.matches("password", "v9cNDVB/li+QTTtp1VnAhRwAEjrT4X13I7R/VqK44q8=c2FsdHNhbHRzYWx0c2FsdA=="));
        assertFalse(md5.matches("pässwörd", "too short"));
        assertFalse(md5.matches("", ""));
    }

    @Test
    void hashIsSaltedAndVerifiable() {
        PasswordHash md5 = new PasswordHash("md5", 100, 32);
        String a = md5.hash("secret");
        String b = md5.hash("secret");
        assertNotEquals(a, b);
        assertTrue(md5.matches("secret", a));
        assertTrue(md5.matches("secret", b));
        assertTrue(md5.matches("", md5.hash("")));
    }

    @Test
    void clearTextWhenHashingIsOff() {
        PasswordHash none = new PasswordHash("none", 0, 0);
        assertTrue(none.matches("pwA", "pwA"));
        assertFalse(none.matches("pwA", "pwB"));
    }

    @Test
    void unknownDigestFailsAtStartup() {
        assertThrows(IllegalArgumentException.class, () -> new PasswordHash("whirlpool", 100, 32));
    }
}
