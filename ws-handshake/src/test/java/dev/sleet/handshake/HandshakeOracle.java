package dev.sleet.handshake;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An independent, deliberately plain judge of a raw upgrade request: regular expressions over the text, written
 * from RFC 9110/9112 and RFC 6455 §4.2.1 rather than from the parser's code. It answers whether a server
 * configured with {@link RandomRequests#ALLOWED_ORIGINS} must accept the request, must refuse it, or cannot tell
 * yet because the head has not ended.
 */
final class HandshakeOracle {

    enum Verdict { ACCEPT, REFUSE, INCOMPLETE }

    /** The verdict and, for a refusal, the first rule found broken. */
    record Judgement(Verdict verdict, String rule) {
    }

    private static final String TCHAR = "[!#$%&'*+\\-.^_`|~0-9A-Za-z]";
    private static final Pattern REQUEST_LINE =
            Pattern.compile("(" + TCHAR + "+) ([\\x21-\\x7E]+) HTTP/([0-9])\\.([0-9])");
    private static final Pattern FIELD_LINE =
            Pattern.compile("(" + TCHAR + "+):[ \\t]*+([\\x20-\\x7E\\x80-\\xFF\\t]*?)[ \\t]*");
    private static final Pattern ABSOLUTE_TARGET = Pattern.compile("[A-Za-z][A-Za-z0-9+.\\-]*://[^/?]+([/?].*)?");
    private static final Pattern TOKEN = Pattern.compile(TCHAR + "+");
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9+/]{22}==");
    private static final Pattern ZEROS = Pattern.compile("[0-9]{1,18}");
    private static final Pattern EXTENSION_LIST;

    static {
        String ows = "[ \\t]*+";
        String token = TCHAR + "++";
        String quotedToken = "\"(?:\\\\?" + TCHAR + ")++\"";
        String param = token + "(?:" + ows + "=" + ows + "(?:" + token + "|" + quotedToken + "))?";
        String ext = token + "(?:" + ows + ";" + ows + param + ")*+";
        String element = ows + "(?:" + ext + ")?" + ows;
        EXTENSION_LIST = Pattern.compile(element + "(?:," + element + ")*+");
    }

    private static final Pattern ALLOWED_ORIGIN =
            Pattern.compile("https://example\\.com(:443)?|https://([a-z0-9\\-]+\\.)+example\\.org(:443)?");

    private HandshakeOracle() {
    }

    static Judgement judge(String raw, HttpLimits limits) {
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) {
            return new Judgement(Verdict.INCOMPLETE, "no end of head");
        }
        String[] lines = raw.substring(0, end).split("\r\n", -1);
        for (String line : lines) {
            if (line.indexOf('\r') >= 0 || line.indexOf('\n') >= 0) {
                return refuse("line ends other than CRLF");
            }
        }
        String requestLine = lines[0];
        if (requestLine.length() > limits.maxRequestLineLength()) {
            return refuse("request line too long");
        }
        int fieldBytes = 2;
        for (int i = 1; i < lines.length; i++) {
            fieldBytes += lines[i].length() + 2;
        }
        if (lines.length - 1 > limits.maxHeaderCount()) {
            return refuse("too many fields");
        }
        if (fieldBytes > limits.maxHeaderBytes()) {
            return refuse("fields too large");
        }
        Matcher rl = REQUEST_LINE.matcher(requestLine);
        if (!rl.matches()) {
            return refuse("request line syntax");
        }
        if (!rl.group(1).equals("GET")) {
            return refuse("method");
        }
        int major = Integer.parseInt(rl.group(3));
        int minor = Integer.parseInt(rl.group(4));
        if (major < 1 || major == 1 && minor < 1) {
            return refuse("version");
        }
        String target = rl.group(2);
        if (target.contains("#")
                || !(target.startsWith("/") || target.equals("*") || ABSOLUTE_TARGET.matcher(target).matches())) {
            return refuse("target");
        }
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            Matcher f = FIELD_LINE.matcher(lines[i]);
            if (!f.matches()) {
                return refuse("field line syntax: " + lines[i]);
            }
            names.add(f.group(1).toLowerCase(Locale.ROOT));
            values.add(f.group(2));
        }
        if (all(names, values, "host").size() != 1) {
            return refuse("Host count");
        }
        List<String> keys = all(names, values, "sec-websocket-key");
        if (keys.size() != 1 || !KEY.matcher(keys.get(0)).matches()) {
            return refuse("key");
        }
        if (!all(names, values, "transfer-encoding").isEmpty()) {
            return refuse("body");
        }
        List<String> lengths = all(names, values, "content-length");
        for (String l : lengths) {
            if (!l.equals(lengths.get(0)) || !ZEROS.matcher(l).matches() || !l.matches("0+")) {
                return refuse("body");
            }
        }
        if (!elements(all(names, values, "upgrade")).stream().anyMatch(e -> e.equalsIgnoreCase("websocket"))) {
            return refuse("Upgrade");
        }
        if (!elements(all(names, values, "connection")).stream().anyMatch(e -> e.equalsIgnoreCase("upgrade"))) {
            return refuse("Connection");
        }
        List<String> versions = all(names, values, "sec-websocket-version");
        if (versions.size() != 1 || !versions.get(0).equals("13")) {
            return refuse("version 13");
        }
        List<String> origins = all(names, values, "origin");
        if (origins.size() > 1
                || origins.size() == 1 && !ALLOWED_ORIGIN.matcher(origins.get(0).toLowerCase(Locale.ROOT)).matches()) {
            return refuse("Origin");
        }
        List<String> protocols = elements(all(names, values, "sec-websocket-protocol"));
        for (int i = 0; i < protocols.size(); i++) {
            if (!TOKEN.matcher(protocols.get(i)).matches() || protocols.subList(0, i).contains(protocols.get(i))) {
                return refuse("Sec-WebSocket-Protocol");
            }
        }
        for (String v : all(names, values, "sec-websocket-extensions")) {
            if (!EXTENSION_LIST.matcher(v).matches()) {
                return refuse("Sec-WebSocket-Extensions");
            }
        }
        return new Judgement(Verdict.ACCEPT, "");
    }

    private static Judgement refuse(String rule) {
        return new Judgement(Verdict.REFUSE, rule);
    }

    private static List<String> all(List<String> names, List<String> values, String name) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equals(name)) {
                out.add(values.get(i));
            }
        }
        return out;
    }

    /** Comma-separated elements, trimmed of SP/HTAB, empty ones dropped (RFC 9110 §5.6.1). */
    private static List<String> elements(List<String> fieldValues) {
        List<String> out = new ArrayList<>();
        for (String v : fieldValues) {
            for (String e : v.split(",", -1)) {
                String t = e.replaceAll("^[ \\t]+|[ \\t]+$", "");
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}
