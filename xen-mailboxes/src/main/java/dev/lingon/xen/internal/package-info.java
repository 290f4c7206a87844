/**
 * The in-process backend: every domain in one JVM, pages from off-heap arenas, blocked vCPUs woken
 * with park/unpark. The data-plane code ({@link dev.lingon.xen.internal.SharedInfoPage}, the grant
 * entries, the vchan rings) works on {@link java.lang.foreign.MemorySegment}s only, so a backend that
 * maps the same pages from files shares it unchanged. Not for use outside this module.
 */
package dev.lingon.xen.internal;
