package dev.lingon.xen.api;

/**
 * A reference to one incarnation of a domain. Domids can be reused by later domains; the generation
 * cannot (it increases with every domain the hypervisor creates), so an operation through a handle
 * of a destroyed or restarted domain fails with ESRCH instead of reaching the new one.
 */
public record DomainHandle(int domid, long generation) {
    @Override
    public String toString() {
        return "dom" + domid + "#" + generation;
    }
}
