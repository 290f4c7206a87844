package dev.lingon.kernel.config;

import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.supervision.api.domain.DomainRestartPolicy;

import java.util.Map;

/**
 * Writes a {@link DomainSpec} as config text that {@link DomainConfigParser} reads back to an equal spec
 * (all but {@link DomainSpec#source()}): how dom0 hands a process domain its config, whether the spec
 * came from a file or was built in code, as xl passes a domain's config to the domain's device model.
 * Every key is written, defaults included, so the text says exactly what the domain runs with.
 */
public final class DomainConfigWriter {
    private DomainConfigWriter() {
    }

    /**
     * The config text of {@code spec}.
     *
     * @throws IllegalArgumentException when an {@code extra} value holds a control character other than
     *                                  newline and tab, which config strings cannot carry
     */
    public static String write(DomainSpec spec) {
        DomainRestartPolicy p = spec.policy();
        StringBuilder b = new StringBuilder();
        b.append("# written by dom0 from ").append(oneLine(spec.source())).append('\n');
        line(b, "name", quoted(spec.name()));
        line(b, "application", quoted(spec.application()));
        line(b, "vcpus", Integer.toString(spec.vcpus()));
        line(b, "memory", Integer.toString(spec.memoryMiB()));
        line(b, "on_poweroff", quoted(p.onPoweroff().xlName()));
        line(b, "on_reboot", quoted(p.onReboot().xlName()));
        line(b, "on_watchdog", quoted(p.onWatchdog().xlName()));
        line(b, "on_crash", quoted(p.onCrash().xlName()));
        line(b, "on_soft_reset", quoted(p.onSoftReset().xlName()));
        line(b, "restart_intensity", quoted(p.intensity() + "/" + p.period().toSeconds()));
        line(b, "backend", quoted(DomainConfigParser.backendName(spec.backend())));
        if (!spec.extra().isEmpty()) {
            StringBuilder list = new StringBuilder("[");
            String sep = " ";
            for (Map.Entry<String, String> e : spec.extra().entrySet()) {
                list.append(sep).append(quoted(e.getKey() + "=" + e.getValue()));
                sep = ", ";
            }
            line(b, "extra", list.append(" ]").toString());
        }
        return b.toString();
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(key).append(" = ").append(value).append('\n');
    }

    /** A double-quoted config string with the reader's escapes. */
    private static String quoted(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (Character.isISOControl(c)) {
                        throw new IllegalArgumentException(String.format(
                                "cannot write U+%04X in a config string (in \"%s\"); config strings carry no control characters but newline and tab",
                                (int) c, oneLine(s)));
                    }
                    b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\p{Cntrl}", " ");
    }
}
