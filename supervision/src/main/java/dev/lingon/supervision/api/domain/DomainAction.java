package dev.lingon.supervision.api.domain;

import java.util.Locale;

/**
 * What the toolstack does with a domain that shut down: xl.cfg's {@code on_poweroff}, {@code on_reboot},
 * {@code on_watchdog}, {@code on_crash} and {@code on_soft_reset} actions, with their xl names.
 */
public enum DomainAction {
    /** Destroy the domain. */
    DESTROY("destroy"),
    /** Destroy the domain and create a new one with the same configuration. */
    RESTART("restart"),
    /** Rename the old domain and keep it, and create a new one with the same configuration. */
    RENAME_RESTART("rename-restart"),
    /** Keep the domain in its shutdown state to be examined; destroying it is left to a person. */
    PRESERVE("preserve"),
    /** Write a core dump, then destroy. */
    COREDUMP_DESTROY("coredump-destroy"),
    /** Write a core dump, then restart. */
    COREDUMP_RESTART("coredump-restart"),
    /** Reset the domain's Xen interfaces and let it go on running (the domain is not recreated). */
    SOFT_RESET("soft-reset");

    private final String xlName;

    DomainAction(String xlName) {
        this.xlName = xlName;
    }

    public String xlName() {
        return xlName;
    }

    /** Parses an xl name ({@code rename-restart}); the underscore spelling is accepted too. */
    public static DomainAction parse(String xlName) {
        String wanted = xlName.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (DomainAction a : values()) {
            if (a.xlName.equals(wanted)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown domain action '" + xlName + "'");
    }

    /** A new domain with the same configuration is created. */
    public boolean startsNewDomain() {
        return this == RESTART || this == RENAME_RESTART || this == COREDUMP_RESTART;
    }

    /** The old domain is kept (for examination) instead of destroyed. */
    public boolean keepsOldDomain() {
        return this == PRESERVE || this == RENAME_RESTART;
    }

    /** A core dump is written first. */
    public boolean dumpsCore() {
        return this == COREDUMP_DESTROY || this == COREDUMP_RESTART;
    }
}
