package dev.lingon.xen.vchan;

import dev.lingon.xen.Backend;
import dev.lingon.xen.api.DomainConfig;
import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.api.XenDomain;

/** Two domains and the path conventions the vchan tests share. */
final class VchanTestSupport implements AutoCloseable {
    final Hypervisor hv;
    final XenDomain server;
    final XenDomain client;
    final String path;

    VchanTestSupport(Backend backend) {
        hv = backend.start();
        server = hv.domain(hv.createDomain(DomainConfig.named("server").withVcpus(2)).orThrow()).orElseThrow();
        client = hv.domain(hv.createDomain(DomainConfig.named("client").withVcpus(2)).orThrow()).orElseThrow();
        path = "/local/domain/" + server.domid() + "/data/vchan/test";
    }

    Vchan server(int leftMin, int rightMin) {
        return Vchan.server(server, client.domid(), path, leftMin, rightMin).orThrow();
    }

    Vchan client() {
        return Vchan.client(client, server.domid(), path).orThrow();
    }

    /** Server and client minimum sizes so that the server's write ring has exactly {@code order}. */
    static int[] minsForServerWriteOrder(int order) {
        return switch (order) {
            case 10 -> new int[] {2048, 1024};
            case 11 -> new int[] {1024, 2048};
            default -> new int[] {1024, 1 << order};
        };
    }

    @Override
    public void close() {
        hv.close();
    }
}
