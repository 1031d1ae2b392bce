package dev.sleet.frame;

/**
 * Which end of a connection a codec works for. RFC 6455 §5.1: a client masks every frame it sends and a
 * server masks none; each side rejects a frame that breaks the rule for its peer.
 */
public enum Role {
    /** Server side: incoming frames must be masked, outgoing frames are never masked. */
    SERVER,
    /** Client side: incoming frames must not be masked, outgoing frames are always masked. */
    CLIENT
}
