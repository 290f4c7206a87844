/**
 * Byte layouts of every structure that crosses a domain boundary, as Xen's headers define them: one
 * {@code *Layout} class per structure with named offsets, an ASCII diagram, and the ordering each
 * fence provides. Any backend — one JVM, several processes on shared memory, or real Xen — reads and
 * writes the same bytes at the same offsets.
 */
package dev.lingon.xen.layout;
