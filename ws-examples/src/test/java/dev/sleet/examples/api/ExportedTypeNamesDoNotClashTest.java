package dev.sleet.examples.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.module.ResolvedModule;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One name per idea: no two packages that Sleet's modules export to everyone declare a public type of the same
 * simple name, so an application that imports several of them ({@code dev.sleet.server.*} and
 * {@code dev.sleet.actor.*}, which {@code dev.sleet.server} requires transitively) never gets an ambiguous name.
 * Reads the real module jars this module resolves (every published Sleet module is one of them).
 */
class ExportedTypeNamesDoNotClashTest {

    @Test
    void everyExportedPublicTypeNameIsUnique() {
        Map<String, Set<String>> packagesByName = new TreeMap<>();
        Set<String> modules = new TreeSet<>();
        for (ResolvedModule m : ModuleLayer.boot().configuration().modules()) {
            if (!m.name().startsWith("dev.sleet.") || m.name().equals("dev.sleet.examples")
                    || m.name().equals("dev.sleet.testkit")) {
                continue;
            }
            modules.add(m.name());
            Module module = ModuleLayer.boot().findModule(m.name()).orElseThrow();
            for (ModuleDescriptor.Exports e : m.reference().descriptor().exports()) {
                if (e.isQualified()) {
                    continue;
                }
                for (String type : topLevelTypes(m, e.source())) {
                    try {
                        Class<?> c = Class.forName(module, e.source() + "." + type);
                        if (c != null && java.lang.reflect.Modifier.isPublic(c.getModifiers())) {
                            packagesByName.computeIfAbsent(type, k -> new TreeSet<>()).add(e.source());
                        }
                    } catch (LinkageError ignored) {
                        // a type whose dependencies are absent here cannot clash with anything loaded
                    }
                }
            }
        }
        assertTrue(modules.containsAll(Set.of("dev.sleet.actor", "dev.sleet.server", "dev.sleet.handshake",
                "dev.sleet.frame", "dev.sleet.rooms")), "the published modules were resolved: " + modules);
        assertTrue(packagesByName.containsKey("WebSocketServer"), "types were read: " + packagesByName.keySet());
        Map<String, Set<String>> clashes = new TreeMap<>();
        packagesByName.forEach((name, pkgs) -> {
            if (pkgs.size() > 1) {
                clashes.put(name, pkgs);
            }
        });
        assertEquals(Map.of(), clashes, "public types of the same name in different exported packages");
    }

    private static Set<String> topLevelTypes(ResolvedModule m, String pkg) {
        String dir = pkg.replace('.', '/') + "/";
        Set<String> names = new TreeSet<>();
        try (ModuleReader r = m.reference().open(); Stream<String> all = r.list()) {
            all.filter(p -> p.startsWith(dir) && p.endsWith(".class") && p.indexOf('/', dir.length()) < 0)
                    .map(p -> p.substring(dir.length(), p.length() - ".class".length()))
                    .filter(n -> !n.contains("$") && !n.equals("package-info"))
                    .forEach(names::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }
}
