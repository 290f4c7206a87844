package dev.lingon.kernel.api;

/**
 * A domain's console: lines written here travel over the console ring (the layout of Xen's
 * {@code struct xencons_interface}) to dom0, which keeps them and shows them to
 * {@code lingon console <domain>}. The domain's log lines (SLF4J, from its vCPU threads) go here too.
 * Thread-safe; never blocks: when the ring is full lines wait in a bounded buffer, and beyond it the
 * oldest are dropped and counted.
 */
public interface Console {

    void println(String line);

    /** Lines dropped because the ring and the buffer were full. */
    long dropped();
}
