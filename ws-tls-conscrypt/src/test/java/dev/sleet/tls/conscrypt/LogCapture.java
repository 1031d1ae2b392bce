package dev.sleet.tls.conscrypt;

import java.text.MessageFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Collects what Sleet logs through {@code System.Logger} (which the JDK routes to {@code java.util.logging}) while
 * open, formatted as {@code LEVEL message}.
 */
final class LogCapture implements AutoCloseable {
    private final Logger logger = Logger.getLogger("dev.sleet");
    private final Level previous = logger.getLevel();
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String text = r.getParameters() == null || r.getParameters().length == 0 ? r.getMessage()
                    : MessageFormat.format(r.getMessage(), r.getParameters());
            lines.add(r.getLevel().getName() + " " + text);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    LogCapture() {
        logger.setLevel(Level.ALL);
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    List<String> lines() {
        return List.copyOf(lines);
    }

    /** The first line that contains every one of {@code parts}, or an assertion error listing what was logged. */
    String find(String... parts) {
        for (String line : lines) {
            boolean all = true;
            for (String p : parts) {
                all &= line.contains(p);
            }
            if (all) {
                return line;
            }
        }
        throw new AssertionError("no log line contains " + List.of(parts) + "; logged: " + lines);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(previous);
    }
}
