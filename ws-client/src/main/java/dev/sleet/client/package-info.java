/**
 * The WebSocket client's API. So far: {@link dev.sleet.client.ReconnectPolicy}, the backoff between reconnection
 * attempts.
 */
package dev.sleet.client;
