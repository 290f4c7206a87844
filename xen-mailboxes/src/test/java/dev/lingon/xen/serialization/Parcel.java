package dev.lingon.xen.serialization;

/** A top-level record (its binary name has no '$'), registered by tests that need one. */
record Parcel(String label, int weight) {
}
