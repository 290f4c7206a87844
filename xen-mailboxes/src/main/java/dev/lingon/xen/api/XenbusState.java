package dev.lingon.xen.api;

/**
 * The front/back-end handshake states written to a device's {@code state} node ({@code io/xenbus.h}).
 * Backend: Initialising → InitWait (features published) → Connected; frontend: Initialising →
 * Initialised (rings and ports published) → Connected. Either side may skip states, so a driver
 * reacts to "at least" a state rather than to an exact sequence.
 */
public enum XenbusState {
    Unknown(0),
    Initialising(1),
    InitWait(2),
    Initialised(3),
    Connected(4),
    Closing(5),
    Closed(6),
    Reconfiguring(7),
    Reconfigured(8);

    private final int value;

    XenbusState(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The state for a value read from XenStore; {@link #Unknown} for anything unrecognised, as xenbus does. */
    public static XenbusState of(int value) {
        for (XenbusState s : values()) {
            if (s.value == value) {
                return s;
            }
        }
        return Unknown;
    }

    /** Parses the decimal string stored in a {@code state} node; {@link #Unknown} when it is not a number. */
    public static XenbusState parse(String text) {
        try {
            return of(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            return Unknown;
        }
    }
}
