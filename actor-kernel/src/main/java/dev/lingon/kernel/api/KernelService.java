package dev.lingon.kernel.api;

import java.util.Locale;

/** The kernel services (devices) a domain's image may ask for; a domain starts only those its image names. */
public enum KernelService {
    /** The domain's log lines travel over a console ring to dom0 ({@code lingon console <domain>}). */
    CONSOLE,
    /** An asynchronous XenStore client for the application. */
    STORE,
    /** Watches {@code control/shutdown}: poweroff, reboot and suspend stop the application, then the domain. */
    CONTROL,
    /** Xen mailboxes: actor references across domains over vchan rings. */
    VCHAN;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code console}, {@code store}, {@code control} or {@code vchan}. */
    public static KernelService parse(String s) {
        for (KernelService k : values()) {
            if (k.configName().equals(s.trim().toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kernel service '" + s + "'; expected one of console, store, control, vchan");
    }
}
