package dev.sleet.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.module.ModuleDescriptor;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A client-only application needs no {@code dev.sleet.server}: the modules {@code dev.sleet.client} requires, followed
 * transitively through their descriptors (as the module system resolves them), are the core, frame, handshake and
 * actor modules and the JDK's, never the server's.
 */
class ClientNeedsNoServerTest {

    @Test
    void theClientsModuleClosureHoldsNoServer() {
        Set<String> closure = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>(Set.of("dev.sleet.client"));
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (!closure.add(name)) {
                continue;
            }
            ModuleDescriptor d = ModuleLayer.boot().findModule(name)
                    .orElseThrow(() -> new AssertionError("module " + name + " is not on the test's module path"))
                    .getDescriptor();
            for (ModuleDescriptor.Requires r : d.requires()) {
                if (!r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)) {
                    todo.push(r.name());
                }
            }
        }
        closure.removeIf(n -> n.startsWith("java.") || n.startsWith("jdk."));
        assertFalse(closure.contains("dev.sleet.server"), closure.toString());
        assertEquals(Set.of("dev.sleet.client", "dev.sleet.core", "dev.sleet.frame", "dev.sleet.handshake",
                "dev.sleet.actor", "org.jctools.core"), closure);
        assertTrue(ModuleLayer.boot().findModule("dev.sleet.client").orElseThrow().getDescriptor().exports().stream()
                .allMatch(e -> e.source().equals("dev.sleet.client")), "only the API package is exported");
    }
}
