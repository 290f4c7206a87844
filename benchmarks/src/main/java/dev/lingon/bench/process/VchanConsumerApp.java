package dev.lingon.bench.process;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.kernel.api.KernelService;
import dev.lingon.kernel.api.LingonImage;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.xen.api.Result;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.vchan.FramedVchan;
import dev.lingon.xen.vchan.ReceiveResult;
import dev.lingon.xen.vchan.Vchan;

import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.lang.foreign.ValueLayout;

/**
 * The consuming end of the vchan-between-processes benchmark, in a process domain: a thread connects
 * as the vchan client to the ring the producer domain granted ({@code extra}: {@code producer} domid,
 * {@code path}, {@code frames} per run, {@code runs}), reads every frame spinning, checks each frame's
 * sequence number, and writes each run's first and last arrival ({@code nanoTime}, CLOCK_MONOTONIC) and
 * how many frames were out of order to {@code data/bench/run<i>} under its XenStore home.
 */
@LingonImage(name = "bench-vchan-consumer", services = {KernelService.STORE})
public final class VchanConsumerApp implements Application {

    @Override
    public SupervisorSpec supervisor(DomainContext ctx) {
        return SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE)
                .child(ChildSpec.worker("consumer", () -> Behaviors.<String>setup(a -> {
                    Thread.ofPlatform().daemon(true).name("vchan-consumer").start(() -> consume(ctx));
                    return Behaviors.empty();
                })))
                .build();
    }

    private static void consume(DomainContext ctx) {
        XenDomain me = ctx.xen();
        int producer = Integer.parseInt(ctx.extra().get("producer"));
        String path = ctx.extra().get("path");
        long frames = Long.parseLong(ctx.extra().get("frames"));
        int runs = Integer.parseInt(ctx.extra().get("runs"));
        int batch = Integer.parseInt(ctx.extra().getOrDefault("batch", "1"));
        Result<Vchan> v;
        // dom0 sets the server up once this domain exists; retry until its ring is published.
        while (!(v = Vchan.client(me, producer, path)).isOk()) {
            Thread.onSpinWait();
        }
        // Both ends spin, so neither asks the other for events it would never wait on.
        FramedVchan in = FramedVchan.polling(v.orThrow());
        long[] expected = {0};
        long[] outOfOrder = {0};
        FramedVchan.FrameHandler check = (seg, len) -> {
            if (seg.get(ValueLayout.JAVA_LONG_UNALIGNED, 0) != expected[0]) {
                outOfOrder[0]++;
            }
            expected[0]++;
        };
        String home = "/local/domain/" + me.handle().domid() + "/data/bench/";
        for (int r = 0; r < runs; r++) {
            long first = 0;
            if (batch == 1) {
                // One frame per call: the consumer index is published after every frame.
                for (long i = 0; i < frames; i++) {
                    while (!(in.tryReceive(check) instanceof ReceiveResult.Received)) {
                        Thread.onSpinWait();
                    }
                    if (i == 0) {
                        first = System.nanoTime();
                    }
                }
            } else {
                // Whatever has arrived, up to a batch: the consumer index is published once per call.
                for (long i = 0; i < frames; ) {
                    int n = in.drain(check, (int) Math.min(batch, frames - i));
                    if (n == 0) {
                        Thread.onSpinWait();
                    } else if (i == 0) {
                        first = System.nanoTime();
                    }
                    i += n;
                }
            }
            long last = System.nanoTime();
            me.store().write(home + "run" + r, first + " " + last + " " + outOfOrder[0]);
        }
    }
}
