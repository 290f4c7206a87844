package dev.lingon.kernel.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads the statements of a config file (the grammar in the package javadoc) without giving keys a
 * meaning: a recursive-descent reader over the characters, counting lines for messages. Single use, one
 * thread.
 */
final class ConfigReader {

    private final String text;
    private final String source;
    private int pos;
    private int line = 1;

    private ConfigReader(String text, String source) {
        this.text = text;
        this.source = source;
    }

    /** The statements of {@code text}, in file order. */
    static List<ConfigValue.Setting> read(String text, String source) {
        return new ConfigReader(text, source).statements();
    }

    private List<ConfigValue.Setting> statements() {
        List<ConfigValue.Setting> out = new ArrayList<>();
        // A byte-order mark from an editor is not part of the first key.
        if (text.startsWith("\uFEFF")) {
            pos = 1;
        }
        while (true) {
            skipSpaces();
            if (atEnd()) {
                return out;
            }
            char c = peek();
            if (c == '\n' || c == ';') {
                advance();
            } else if (c == '#') {
                skipComment();
            } else {
                out.add(setting());
            }
        }
    }

    private ConfigValue.Setting setting() {
        int keyLine = line;
        char first = peek();
        if (!isKeyStart(first)) {
            throw error(keyLine, "expected a key (a name such as vcpus); got " + describe(first));
        }
        int start = pos;
        while (!atEnd() && isKeyPart(peek())) {
            advance();
        }
        String key = text.substring(start, pos);
        skipSpaces();
        if (atEnd() || peek() != '=') {
            throw error(keyLine, "expected \"=\" after " + key + "; got " + describeHere());
        }
        advance();
        skipSpaces();
        if (atEnd() || peek() == '\n' || peek() == ';' || peek() == '#') {
            throw error(keyLine, "missing value after \"" + key + " =\"");
        }
        ConfigValue value = value(key, false);
        skipSpaces();
        if (!atEnd() && peek() != '\n' && peek() != ';' && peek() != '#') {
            throw error(line, "expected the end of the line after the value of " + key + "; got " + describeHere());
        }
        return new ConfigValue.Setting(key, value, keyLine);
    }

    private ConfigValue value(String key, boolean inList) {
        char c = peek();
        if (c == '"' || c == '\'') {
            return string();
        }
        if (c == '-' || isDigit(c)) {
            return integer();
        }
        if (c == '[') {
            if (inList) {
                throw error(line, "lists cannot be nested (in " + key + ")");
            }
            return list(key);
        }
        if (isKeyStart(c)) {
            int start = pos;
            while (!atEnd() && !Character.isWhitespace(peek()) && peek() != ',' && peek() != ']' && peek() != '#' && peek() != ';') {
                advance();
            }
            String word = text.substring(start, pos);
            throw error(line, "the value of " + key + " must be a \"quoted string\", an integer or a [ list ]; got "
                    + word + " (write \"" + word + "\")");
        }
        throw error(line, "expected a value for " + key + " (a \"quoted string\", an integer or a [ list ]); got " + describe(c));
    }

    private ConfigValue.Str string() {
        int startLine = line;
        char quote = peek();
        advance();
        StringBuilder b = new StringBuilder();
        while (true) {
            if (atEnd() || peek() == '\n') {
                throw error(startLine, "string is not closed: expected " + quote + " before the end of the line");
            }
            char c = peek();
            advance();
            if (c == quote) {
                return new ConfigValue.Str(b.toString(), startLine);
            }
            if (c == '\\') {
                if (atEnd() || peek() == '\n') {
                    throw error(startLine, "string is not closed: expected " + quote + " before the end of the line");
                }
                char e = peek();
                advance();
                switch (e) {
                    case '\\', '"', '\'' -> b.append(e);
                    case 'n' -> b.append('\n');
                    case 't' -> b.append('\t');
                    default -> throw error(startLine, "unknown escape \\" + e + " in a string; expected one of \\\\ \\\" \\' \\n \\t");
                }
            } else {
                b.append(c);
            }
        }
    }

    private ConfigValue.Int integer() {
        int startLine = line;
        int start = pos;
        if (peek() == '-') {
            advance();
        }
        while (!atEnd() && isTokenPart(peek())) {
            advance();
        }
        String token = text.substring(start, pos);
        if (!token.matches("-?[0-9]+")) {
            throw error(startLine, "expected an integer; got " + token
                    + (token.matches("-?[0-9]+[A-Za-z]+") ? " (sizes are plain numbers: memory is in MiB)" : ""));
        }
        try {
            return new ConfigValue.Int(Long.parseLong(token), startLine);
        } catch (NumberFormatException e) {
            throw error(startLine, "integer " + token + " is out of range");
        }
    }

    private ConfigValue.ListOf list(String key) {
        int startLine = line;
        advance();
        List<ConfigValue> elements = new ArrayList<>();
        boolean expectValue = true;
        while (true) {
            skipBlanksAndComments();
            if (atEnd()) {
                throw error(startLine, "the list of " + key + " opened here is not closed: expected \"]\"");
            }
            char c = peek();
            if (c == ']') {
                advance();
                return new ConfigValue.ListOf(elements, startLine);
            }
            if (!expectValue) {
                if (c != ',') {
                    throw error(line, "expected \",\" or \"]\" in the list of " + key + "; got " + describe(c));
                }
                advance();
                expectValue = true;
                continue;
            }
            if (c == ',') {
                throw error(line, "expected a value in the list of " + key + "; got \",\"");
            }
            elements.add(value(key, true));
            expectValue = false;
        }
    }

    private void skipSpaces() {
        while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\r')) {
            advance();
        }
    }

    private void skipBlanksAndComments() {
        while (!atEnd()) {
            char c = peek();
            if (c == '#') {
                skipComment();
            } else if (Character.isWhitespace(c)) {
                advance();
            } else {
                return;
            }
        }
    }

    private void skipComment() {
        while (!atEnd() && peek() != '\n') {
            advance();
        }
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private char peek() {
        return text.charAt(pos);
    }

    private void advance() {
        if (text.charAt(pos) == '\n') {
            line++;
        }
        pos++;
    }

    private String describeHere() {
        return atEnd() ? "the end of the file" : describe(peek());
    }

    private static String describe(char c) {
        return switch (c) {
            case '\n' -> "the end of the line";
            case '"' -> "'\"'";
            default -> Character.isISOControl(c) ? String.format("character U+%04X", (int) c) : "\"" + c + "\"";
        };
    }

    private static boolean isKeyStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isKeyPart(char c) {
        return isKeyStart(c) || isDigit(c);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isTokenPart(char c) {
        return isKeyPart(c) || c == '.' || c == '-';
    }

    private ConfigException error(int atLine, String problem) {
        return new ConfigException(source, atLine, problem);
    }
}
