package dev.pkauth.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** What was logged while open: for tests of the messages operators read. */
public final class Logs implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    private Logs(String name) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        logger = context.getLogger(name);
        appender.setContext(context);
        appender.start();
        logger.addAppender(appender);
    }

    /** Captures the {@code dev.pkauth} loggers. */
    public static Logs capture() {
        return new Logs("dev.pkauth");
    }

    /** Captures every logger, as a console appender on the root would show them. */
    public static Logs captureAll() {
        return new Logs(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** Every line so far as {@code %-5level %msg}: how the CLI's console appender prints it. */
    public List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(e -> String.format("%-5s %s", e.getLevel(), e.getFormattedMessage())).toList();
        }
    }

    /** Formatted messages logged at {@code level} or above so far. */
    public List<String> atLeast(Level level) {
        synchronized (appender.list) {
            return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(level))
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
