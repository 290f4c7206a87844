package dev.lingon.kernel.devices;

import dev.lingon.kernel.api.Console;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.Layout;
import ch.qos.logback.core.UnsynchronizedAppenderBase;

import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Logback appender that sends each log event logged on a domain's vCPU thread to that domain's
 * console, as one console line. A domain's kernel names its vCPU threads
 * {@code lingon-<domainName>-vcpu<N>}; the appender takes the domain name from the event's thread name
 * and looks the console up in a registry that {@link ConsoleDevice#start} fills (and
 * {@link ConsoleDevice#close} empties). Events from any other thread, or from a domain without a
 * console, are ignored by this appender (other appenders still see them).
 *
 * <h2>Configuration</h2>
 * In {@code logback.xml}:
 * <pre>{@code
 * <appender name="LINGON-CONSOLE" class="dev.lingon.kernel.devices.ConsoleAppender">
 *   <!-- optional; without a layout the pattern is DEFAULT_PATTERN -->
 *   <layout class="ch.qos.logback.classic.PatternLayout">
 *     <pattern>%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg</pattern>
 *   </layout>
 * </appender>
 * <root level="INFO">
 *   <appender-ref ref="LINGON-CONSOLE"/>
 * </root>
 * }</pre>
 * or in code, when SLF4J is bound to Logback: {@link #attachToRoot()} (idempotent). The layout's
 * output, less trailing line breaks, is one {@link Console#println}; a message with line breaks inside
 * (a stack trace) reaches dom0 as several lines.
 *
 * <p>Threads: {@link #append} runs on the logging thread and never waits for dom0 (the console
 * buffers, then drops and counts). A log call made while this appender is already appending on the
 * same thread is not sent to the console, so a device that logs can never loop.
 */
public final class ConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    /** The name {@link #attachToRoot()} gives the appender. */
    public static final String NAME = "LINGON-CONSOLE";

    /** The pattern used when no layout is configured. */
    public static final String DEFAULT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{36} - %msg";

    private static final String THREAD_PREFIX = "lingon-";
    private static final String VCPU_MARK = "-vcpu";

    /** Domain name → its console. Looked up on every event; only the device start and close change it. */
    private static final ConcurrentHashMap<String, Console> CONSOLES = new ConcurrentHashMap<>();

    private static final ThreadLocal<Boolean> APPENDING = new ThreadLocal<>();

    private Layout<ILoggingEvent> layout;

    /** Sets the layout of each line (Logback calls this for a {@code <layout>} element). */
    public void setLayout(Layout<ILoggingEvent> layout) {
        this.layout = layout;
    }

    public Layout<ILoggingEvent> getLayout() {
        return layout;
    }

    @Override
    public void start() {
        if (layout == null) {
            PatternLayout pattern = new PatternLayout();
            pattern.setContext(getContext());
            pattern.setPattern(DEFAULT_PATTERN);
            pattern.start();
            layout = pattern;
        }
        super.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        String domain = domainOfThread(event.getThreadName());
        if (domain == null) {
            return;
        }
        Console console = CONSOLES.get(domain);
        if (console == null || APPENDING.get() != null) {
            return;
        }
        APPENDING.set(Boolean.TRUE);
        try {
            console.println(stripTrailingLineBreaks(layout.doLayout(event)));
        } finally {
            APPENDING.remove();
        }
    }

    private static String stripTrailingLineBreaks(String s) {
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
            end--;
        }
        return s.substring(0, end);
    }

    /**
     * The domain whose vCPU a thread is, from its name {@code lingon-<domainName>-vcpu<N>}, or null for
     * any other thread. Domain names may contain dashes.
     */
    public static String domainOfThread(String threadName) {
        if (threadName == null || !threadName.startsWith(THREAD_PREFIX)) {
            return null;
        }
        int mark = threadName.lastIndexOf(VCPU_MARK);
        int digits = mark + VCPU_MARK.length();
        if (mark <= THREAD_PREFIX.length() || digits == threadName.length()) {
            return null;
        }
        for (int i = digits; i < threadName.length(); i++) {
            if (!Character.isDigit(threadName.charAt(i))) {
                return null;
            }
        }
        return threadName.substring(THREAD_PREFIX.length(), mark);
    }

    /** Routes the vCPU threads of {@code domainName} to {@code console}, replacing an earlier console of that name. */
    public static void register(String domainName, Console console) {
        CONSOLES.put(Objects.requireNonNull(domainName, "domainName"), Objects.requireNonNull(console, "console"));
    }

    /** Removes the route if it still leads to {@code console}; answers whether it did. */
    public static boolean unregister(String domainName, Console console) {
        return CONSOLES.remove(domainName, console);
    }

    /** The console registered for a domain name. */
    public static Optional<Console> consoleOf(String domainName) {
        return Optional.ofNullable(CONSOLES.get(domainName));
    }

    /**
     * Adds a started appender named {@link #NAME} to Logback's root logger, unless the root already has
     * one; answers the root's appender of that name.
     *
     * @throws IllegalStateException when SLF4J is not bound to Logback
     */
    public static ConsoleAppender attachToRoot() {
        LoggerContext context = logbackContext();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        synchronized (ConsoleAppender.class) {
            Appender<ILoggingEvent> existing = root.getAppender(NAME);
            if (existing instanceof ConsoleAppender appender) {
                return appender;
            }
            if (existing != null) {
                throw new IllegalStateException("Logback's root logger has an appender named " + NAME + " of another class: "
                        + existing.getClass().getName());
            }
            ConsoleAppender appender = new ConsoleAppender();
            appender.setContext(context);
            appender.setName(NAME);
            appender.start();
            root.addAppender(appender);
            return appender;
        }
    }

    /** Removes and stops the root logger's appender named {@link #NAME}; answers whether there was one. */
    public static boolean detachFromRoot() {
        ch.qos.logback.classic.Logger root = logbackContext().getLogger(Logger.ROOT_LOGGER_NAME);
        synchronized (ConsoleAppender.class) {
            Appender<ILoggingEvent> existing = root.getAppender(NAME);
            if (existing == null) {
                return false;
            }
            root.detachAppender(existing);
            existing.stop();
            return true;
        }
    }

    private static LoggerContext logbackContext() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (factory instanceof LoggerContext context) {
            return context;
        }
        throw new IllegalStateException("SLF4J is bound to " + factory.getClass().getName()
                + ", not to Logback: configure the console's log routing for that backend instead");
    }
}
