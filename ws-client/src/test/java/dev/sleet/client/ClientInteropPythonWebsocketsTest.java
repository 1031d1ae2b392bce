package dev.sleet.client;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.sleet.testkit.InteropEchoServer;
import dev.sleet.testkit.PythonWebsocketsServer;
import java.util.Optional;

/** {@link ClientInteropTest} against Python's websockets; skips loudly without python3 or websockets. */
class ClientInteropPythonWebsocketsTest extends ClientInteropTest {
    @Override
    InteropEchoServer startServer() throws Exception {
        Optional<String> missing = PythonWebsocketsServer.missing();
        missing.ifPresent(reason -> System.err.println("\n*** " + reason + " ***\n"));
        assumeTrue(missing.isEmpty(), missing.orElse(""));
        return PythonWebsocketsServer.start();
    }
}
