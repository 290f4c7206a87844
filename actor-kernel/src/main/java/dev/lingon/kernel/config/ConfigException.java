package dev.lingon.kernel.config;

import java.util.Objects;

/**
 * A domain config file that cannot be used. The message reads {@code source:line: problem} (or
 * {@code source: problem} for a problem with the whole file, such as a missing key), ready to show a user.
 */
public final class ConfigException extends RuntimeException {

    private final String source;
    private final int line;
    private final String problem;

    /**
     * @param source  the file (as the user named it) or another description of where the text came from
     * @param line    1-based line of the problem, or 0 when it concerns the whole file
     * @param problem what is wrong and what was expected
     */
    public ConfigException(String source, int line, String problem) {
        super(format(source, line, problem));
        this.source = Objects.requireNonNull(source, "source");
        this.line = line;
        this.problem = Objects.requireNonNull(problem, "problem");
    }

    ConfigException(String source, int line, String problem, Throwable cause) {
        this(source, line, problem);
        initCause(cause);
    }

    private static String format(String source, int line, String problem) {
        return line > 0 ? source + ":" + line + ": " + problem : source + ": " + problem;
    }

    public String source() {
        return source;
    }

    /** The 1-based line, or 0 when the problem concerns the whole file. */
    public int line() {
        return line;
    }

    /** The message without the location. */
    public String problem() {
        return problem;
    }
}
