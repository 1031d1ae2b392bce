/**
 * permessage-deflate (RFC 7692): {@link dev.sleet.deflate.PerMessageDeflate} is the extension provider,
 * {@link dev.sleet.deflate.DeflateConfig} its settings, {@link dev.sleet.deflate.DeflateAgreement} what one
 * connection agreed ({@link dev.sleet.deflate.DeflateParameters}), and {@link dev.sleet.deflate.DeflateMetrics}
 * counts zlib objects and bytes for the whole process.
 */
package dev.sleet.deflate;
