/**
 * Service provider interface for WebSocket extensions at the frame level (RFC 6455 §9): an extension owns RSV
 * bits and transforms message payloads, inbound and outbound, without changes to the codec's core.
 * permessage-deflate (RFC 7692) is the extension this hook is shaped for.
 */
package dev.sleet.frame.spi;
