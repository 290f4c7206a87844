package dev.lingon.xen.api;

/**
 * The message a kernel delivers to the actor bound to an event-channel port when that port was found
 * pending (LING's {@code {irq, Pore}}). Events carry no data and merge: however many times the port was
 * raised before the scan, the actor receives one {@code EventPending}, and must then look at whatever
 * the event signals (a ring, a XenStore node) to learn what happened.
 */
public record EventPending(int port) {
}
