package dev.lingon.xen.mailbox;

/** Bound to the serializer, deliberately neither sealed nor registered. */
interface UnregisteredMarker {
}
