package dev.lingon.xen.mailbox;

import org.apache.pekko.actor.Address;

/**
 * The address of a domain's actor system as other domains see it:
 * {@code lingon://<system>@dom<domid>-g<generation>:<domid>}. The generation is part of the host, so a
 * reference to an earlier incarnation of a domain never reaches a later one.
 */
record LingonAddress(String system, int domid, long generation) {
    static final String PROTOCOL = "lingon";

    Address toAddress() {
        return Address.apply(PROTOCOL, system, "dom" + domid + "-g" + generation, domid);
    }

    /** Parses a lingon address; null for any other address. */
    static LingonAddress of(Address a) {
        if (!PROTOCOL.equals(a.protocol()) || a.host().isEmpty() || a.port().isEmpty()) {
            return null;
        }
        String host = a.host().get();
        int g = host.indexOf("-g");
        if (!host.startsWith("dom") || g < 0) {
            return null;
        }
        try {
            int domid = Integer.parseInt(host.substring(3, g));
            long gen = Long.parseLong(host.substring(g + 2));
            return new LingonAddress(a.system(), domid, gen);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
