package io.eddy.server.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Provider order and the rule that a provider refusing a known user is final. Uses a real users file. */
class AuthChainTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    private ExecutorService executor;
    private FileAuthProvider file;

    @BeforeEach
    void usersFile() throws Exception {
        executor = Executors.newSingleThreadExecutor();
        PasswordHash hash = new PasswordHash("md5", 100, 32);
        Path users = dir.resolve("users.yml");
        Files.writeString(users, "userA:\n  password: \"" + hash.hash("pwA") + "\"\n"
                + "  clientData: {favouriteColor: red}\n  serverData: {role: admin}\n"
                + "userB:\n  password: \"" + hash.hash("pwB") + "\"\n");
        file = FileAuthProvider.load(users, hash, executor);
    }

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    private static AuthResult run(AuthChain chain, String authData) throws Exception {
        return chain.authenticate(JSON.readTree(authData)).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void fileUserGetsClientAndServerData() throws Exception {
        AuthResult r = run(new AuthChain(List.of(file, new OpenAuthProvider())), "{\"username\":\"userA\",\"password\":\"pwA\"}");
        AuthResult.Accepted a = assertInstanceOf(AuthResult.Accepted.class, r);
        assertEquals("userA", a.userId());
        assertEquals(JSON.readTree("{\"favouriteColor\":\"red\"}"), a.clientData());
        assertEquals(JSON.readTree("{\"role\":\"admin\"}"), a.serverData());
    }

    @Test
    void wrongPasswordOfAKnownUserIsFinalEvenWithOpenAuthAfterIt() throws Exception {
        AuthChain chain = new AuthChain(List.of(file, new OpenAuthProvider()));
        AuthResult.Rejected r = assertInstanceOf(AuthResult.Rejected.class,
                run(chain, "{\"username\":\"userA\",\"password\":\"wrong\"}"));
        assertNull(r.clientData());
        JsonNode reason = assertInstanceOf(AuthResult.Rejected.class, run(chain, "{\"username\":\"userB\"}")).clientData();
        assertEquals(FileAuthProvider.MISSING_PARAMETERS, reason.get("error").asText());
    }

    @Test
    void unknownUsersFallThroughToTheNextProvider() throws Exception {
        AuthChain chain = new AuthChain(List.of(file, new OpenAuthProvider()));
        assertEquals("alice", ((AuthResult.Accepted) run(chain, "{\"username\":\"alice\"}")).userId());
        assertEquals("open", ((AuthResult.Accepted) run(chain, "{}")).userId());
        assertEquals("bob", ((AuthResult.Accepted) run(chain, "{\"username\":\"bob\",\"password\":\"x\"}")).userId());
    }

    @Test
    void fileAloneReportsMissingParametersLikeDeepstream() throws Exception {
        AuthChain chain = new AuthChain(List.of(file));
        JsonNode reason = ((AuthResult.Rejected) run(chain, "{}")).clientData();
        assertEquals(FileAuthProvider.MISSING_PARAMETERS, reason.get("error").asText());
        assertNull(((AuthResult.Rejected) run(chain, "{\"username\":\"nobody\",\"password\":\"x\"}")).clientData());
    }

    @Test
    void openProviderNamesUsersAsJavaScriptWould() throws Exception {
        AuthChain open = new AuthChain(List.of(new OpenAuthProvider()));
        assertEquals("42", ((AuthResult.Accepted) run(open, "{\"username\":42}")).userId());
        assertEquals("open", ((AuthResult.Accepted) run(open, "{\"username\":\"\"}")).userId());
        assertEquals("open", ((AuthResult.Accepted) run(open, "{\"username\":0}")).userId());
        assertEquals("open", ((AuthResult.Accepted) run(open, "[1,2]")).userId());
        assertEquals("true", ((AuthResult.Accepted) run(open, "{\"username\":true}")).userId());
    }

    @Test
    void brokenUsersFilesStopTheServerWithAClearMessage() throws Exception {
        PasswordHash hash = new PasswordHash("md5", 100, 32);
        Path missing = dir.resolve("nope.yml");
        assertTrue(assertThrows(IllegalStateException.class, () -> FileAuthProvider.load(missing, hash, executor))
                .getMessage().contains("missing"));
        Path noPassword = Files.writeString(dir.resolve("bad.yml"), "userA:\n  clientData: {}\n");
        assertTrue(assertThrows(IllegalStateException.class, () -> FileAuthProvider.load(noPassword, hash, executor))
                .getMessage().contains("no password"));
        Path empty = Files.writeString(dir.resolve("empty.yml"), "");
        assertThrows(IllegalStateException.class, () -> FileAuthProvider.load(empty, hash, executor));
        Path notYaml = Files.writeString(dir.resolve("broken.yml"), "userA: [unclosed\n");
        assertThrows(IllegalStateException.class, () -> FileAuthProvider.load(notYaml, hash, executor));
    }
}
