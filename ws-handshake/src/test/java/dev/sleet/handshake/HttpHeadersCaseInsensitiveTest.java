package dev.sleet.handshake;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** RFC 9110 §5.1 (names compare without case), §5.3 (repeated fields), §5.6.1 (lists). */
class HttpHeadersCaseInsensitiveTest {

    private final HttpHeaders h = HttpHeaders.of(
            "Connection", "keep-alive, Upgrade",
            "X-Multi", "1",
            "connection", "close ,,\t, Foo",
            "X-MULTI", "2");

    @Test
    void lookupsIgnoreNameCase() {
        assertEquals(Optional.of("keep-alive, Upgrade"), h.first("CONNECTION"));
        assertEquals(List.of("1", "2"), h.all("x-multi"));
        assertEquals(2, h.count("X-Multi"));
        assertTrue(h.contains("x-MULTI"));
        assertFalse(h.contains("X-Multiple"));
        assertEquals(Optional.empty(), h.first("Host"));
        assertEquals(List.of(), h.all("Host"));
    }

    @Test
    void namesAreDistinctInFirstSeenOrderAndCase() {
        assertEquals(List.of("Connection", "X-Multi"), h.names());
        assertEquals(4, h.size());
        assertEquals("connection", h.name(2));
        assertEquals("2", h.value(3));
    }

    @Test
    void tokensSplitTrimAndKeepCaseAcrossFields() {
        assertEquals(List.of("keep-alive", "Upgrade", "close", "Foo"), h.tokens("connection"));
        assertTrue(h.containsToken("Connection", "upgrade"));
        assertTrue(h.containsToken("Connection", "CLOSE"));
        assertFalse(h.containsToken("Connection", "keep"));
        assertEquals(List.of(), h.tokens("Upgrade"));
    }

    @Test
    void equalityIgnoresNameCaseButNotOrderOrValues() {
        assertEquals(HttpHeaders.of("A", "1", "b", "2"), HttpHeaders.of("a", "1", "B", "2"));
        assertEquals(HttpHeaders.of("A", "1").hashCode(), HttpHeaders.of("a", "1").hashCode());
        assertNotEquals(HttpHeaders.of("A", "1", "B", "2"), HttpHeaders.of("B", "2", "A", "1"));
        assertNotEquals(HttpHeaders.of("A", "x"), HttpHeaders.of("A", "X"));
    }

    @Test
    void builderSetRemoveAndValidation() {
        HttpHeaders b = HttpHeaders.builder().add("A", "1").add("a", "2").add("B", "3").set("A", "4").build();
        assertEquals(List.of("B", "A"), b.names());
        assertEquals(List.of("4"), b.all("a"));
        assertThrows(IllegalArgumentException.class, () -> HttpHeaders.of("A"));
        assertThrows(IllegalArgumentException.class, () -> HttpHeaders.of("A B", "1"));
        assertThrows(IllegalArgumentException.class, () -> HttpHeaders.of("A", "1\n2"));
        assertThrows(IndexOutOfBoundsException.class, () -> h.name(4));
        assertEquals(HttpHeaders.empty(), HttpHeaders.builder().build());
    }
}
