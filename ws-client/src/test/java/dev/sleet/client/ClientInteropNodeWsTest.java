package dev.sleet.client;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.testkit.InteropEchoServer;
import dev.sleet.testkit.NodeWsServer;
import java.util.Optional;

/** {@link ClientInteropTest} against Node's ws; skips loudly without node or ws. */
class ClientInteropNodeWsTest extends ClientInteropTest {
    @Override
    InteropEchoServer startServer() throws Exception {
        Optional<String> missing = NodeWsServer.missing();
        missing.ifPresent(reason -> System.err.println("\n*** " + reason + " ***\n"));
        assumeTrue(missing.isEmpty(), missing.orElse(""));
        return NodeWsServer.start();
    }
}
