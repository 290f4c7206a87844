package dev.lingon.kernel.config;

import java.util.List;

/** A value of a config file as written, before its key gives it a meaning. */
sealed interface ConfigValue {

    /** The line the value starts on. */
    int line();

    /** The value as the user would write it, for messages. */
    String written();

    record Str(String text, int line) implements ConfigValue {
        @Override
        public String written() {
            return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\t", "\\t") + '"';
        }
    }

    record Int(long value, int line) implements ConfigValue {
        @Override
        public String written() {
            return Long.toString(value);
        }
    }

    record ListOf(List<ConfigValue> elements, int line) implements ConfigValue {
        public ListOf {
            elements = List.copyOf(elements);
        }

        @Override
        public String written() {
            StringBuilder b = new StringBuilder("[");
            for (int i = 0; i < elements.size(); i++) {
                b.append(i == 0 ? " " : ", ").append(elements.get(i).written());
            }
            return b.append(elements.isEmpty() ? "]" : " ]").toString();
        }
    }

    /** One {@code key = value} statement. */
    record Setting(String key, ConfigValue value, int line) {
    }
}
