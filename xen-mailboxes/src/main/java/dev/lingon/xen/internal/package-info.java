/**
 * The hypervisor of the in-process and shared-memory backends: every domain's hypercalls served in
 * this JVM, with pages from a {@link dev.lingon.xen.internal.PageSource} — off-heap arenas and
 * park/unpark wake-ups in-process, or each domain's memory-mapped file ({@link
 * dev.lingon.xen.layout.DomainFileLayout}) and futex doorbells that another process can ring. The
 * data-plane code ({@link dev.lingon.xen.internal.SharedInfoPage}, {@link
 * dev.lingon.xen.internal.EventDelivery}, the grant entries, the vchan rings) works on
 * {@link java.lang.foreign.MemorySegment}s only, so both share it unchanged; {@link
 * dev.lingon.xen.internal.DomainFile} gives another process the same views of a domain's file. Not
 * for use outside this module, except DomainFile for the processes of the process backend.
 */
package dev.lingon.xen.internal;
