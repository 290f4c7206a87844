package dev.lingon.kernel.dom0;

import java.util.function.Consumer;

/**
 * dom0's side of domain consoles (xenconsoled's role), as the toolstack uses it: attach to a domain's
 * console ring once it booted, keep its lines, let {@code lingon console} read and follow them.
 */
public interface ConsoleService extends AutoCloseable {

    void attach(int domid);

    void detach(int domid);

    /** Replays the kept lines of {@code domid}, then (with follow) passes new ones until closed. */
    AutoCloseable subscribe(int domid, boolean follow, Consumer<String> lines);

    @Override
    void close();
}
