package dev.lingon.xen.api;

import java.util.Objects;

/**
 * What the hypervisor needs to create a domain: its name (unique, as xl requires), vCPU count
 * (1 … 32, the legacy shared-info limit), memory in pages, and the maximum grant frames.
 */
public record DomainConfig(String name, int vcpus, int maxPages, int maxGrantFrames) {

    public static final int DEFAULT_MAX_PAGES = 65536;

    public DomainConfig {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("domain name must not be blank");
        }
        if (vcpus < 1 || vcpus > dev.lingon.xen.layout.SharedInfoLayout.XEN_LEGACY_MAX_VCPUS) {
            throw new IllegalArgumentException("vcpus must be 1.." + dev.lingon.xen.layout.SharedInfoLayout.XEN_LEGACY_MAX_VCPUS + ", got " + vcpus);
        }
        if (maxPages < 1) {
            throw new IllegalArgumentException("maxPages must be positive, got " + maxPages);
        }
        if (maxGrantFrames < 1 || maxGrantFrames > 4096) {
            throw new IllegalArgumentException("maxGrantFrames must be 1..4096, got " + maxGrantFrames);
        }
    }

    public static DomainConfig named(String name) {
        return new DomainConfig(name, 1, DEFAULT_MAX_PAGES, dev.lingon.xen.layout.GrantEntryLayout.DEFAULT_MAX_GRANT_FRAMES);
    }

    public DomainConfig withVcpus(int n) {
        return new DomainConfig(name, n, maxPages, maxGrantFrames);
    }

    public DomainConfig withMaxPages(int n) {
        return new DomainConfig(name, vcpus, n, maxGrantFrames);
    }

    public DomainConfig withMaxGrantFrames(int n) {
        return new DomainConfig(name, vcpus, maxPages, n);
    }
}
