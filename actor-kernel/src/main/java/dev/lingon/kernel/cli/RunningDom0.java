package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Api;

import java.util.Objects;

/** A dom0 booted by a {@link Dom0Launcher}: its toolstack, and the way to stop it. */
public interface RunningDom0 extends AutoCloseable {

    /** The toolstack; stays usable until {@link #close()}. */
    Dom0Api api();

    /**
     * Destroys every domain and stops dom0, releasing what it holds (threads, memory, files). Called once
     * by {@code lingon run} when it ends, from a shutdown hook on SIGINT/SIGTERM; must not throw for
     * domains that are already gone.
     */
    @Override
    void close();

    /** A running dom0 from a toolstack and the action that stops it. */
    static RunningDom0 of(Dom0Api api, Runnable stop) {
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(stop, "stop");
        return new RunningDom0() {
            @Override
            public Dom0Api api() {
                return api;
            }

            @Override
            public void close() {
                stop.run();
            }
        };
    }
}
