package dev.lingon.xen.mailbox;

/**
 * Bound to lingon-kryo through {@link UnregisteredMarker} but never registered: crossing a domain
 * must fail with an error that names the class and how to register it.
 */
record NotRegistered(String text) implements UnregisteredMarker {
}
