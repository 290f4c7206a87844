package dev.lingon.xen.api;

/** The outcome of ending foreign access to a granted page. */
public enum EndAccess {
    /** The entry's flags were swapped to 0: no domain can map it any more, and the ref is free again. */
    ENDED,
    /** The page is still mapped (GTF_reading or GTF_writing set): the grant stays until it is unmapped. */
    STILL_MAPPED
}
