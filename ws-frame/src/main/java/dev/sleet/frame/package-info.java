/**
 * The RFC 6455 frame codec: {@link dev.sleet.frame.FrameParser} reads frames from buffers (a resumable state
 * machine that unmasks in place), {@link dev.sleet.frame.MessageAssembler} turns frames into messages and
 * enforces fragmentation, UTF-8 and size rules, {@link dev.sleet.frame.FrameWriter} and
 * {@link dev.sleet.frame.Frames} write frames. Failures are {@link dev.sleet.frame.WebSocketException}s that
 * carry their close code.
 *
 * <p>A server reads a connection like this:
 * <pre>{@code
 * FrameParser parser = new FrameParser(Role.SERVER, 16 << 20);
 * MessageAssembler messages = new MessageAssembler(listener);
 * // for each buffer read from the socket:
 * try {
 *     parser.parse(readBuffer, messages);
 * } catch (WebSocketException e) {
 *     send(Frames.close(e.closeStatus()));   // then close the connection
 * }
 * }</pre>
 */
package dev.sleet.frame;
