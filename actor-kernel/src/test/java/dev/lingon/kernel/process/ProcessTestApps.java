package dev.lingon.kernel.process;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.kernel.api.KernelService;
import dev.lingon.kernel.api.LingonImage;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.Strategy;
import dev.lingon.supervision.api.SupervisorSpec;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/** Applications the process-domain tests boot, in dom0's JVM or in a process of their own. */
public final class ProcessTestApps {
    private ProcessTestApps() {
    }

    /** What crosses between the test domains; one sealed hierarchy registered with lingon-kryo. */
    public sealed interface Msg {
        /** The n-th message of a stream; {@code value} must be {@link #valueOf(long)}. */
        record Seq(long n, long value) implements Msg {
        }

        /** Asks the sink what it has seen so far; FIFO puts it after every Seq sent before it. */
        record Check(ActorRef<Msg> replyTo) implements Msg {
        }

        record Report(long count, long sum, long outOfOrder, long corrupt) implements Msg {
        }

        /** Tells a streamer to stream to {@code to} until it dies, {@value #WINDOW} messages per Check. */
        record Stream(ActorRef<Msg> to) implements Msg {
        }
    }

    static final int WINDOW = 512;

    /** Sinks by domain name, as seen from the JVM they run in (dom0's, for in-process domains). */
    static final java.util.Map<String, ActorRef<Msg>> LOCAL_SINKS = new java.util.concurrent.ConcurrentHashMap<>();

    static long valueOf(long n) {
        long z = n * 0x9E3779B97F4A7C15L;
        return z ^ (z >>> 29);
    }

    static final String CONFIG = String.join("\n",
            "pekko.actor.serialization-bindings { \"dev.lingon.kernel.process.ProcessTestApps$Msg\" = lingon-kryo }",
            "lingon.serialization.kryo.classes = [\"dev.lingon.kernel.process.ProcessTestApps$Msg\"]",
            "pekko.actor.allow-java-serialization = off");

    /** Counts a stream: how many, their sum, how many came out of order or with a wrong value. */
    static Behavior<Msg> sink() {
        return Behaviors.setup(ctx -> {
            long[] s = new long[4]; // count, sum, outOfOrder, corrupt
            long[] next = {0};
            return Behaviors.receive(Msg.class)
                    .onMessage(Msg.Seq.class, q -> {
                        if (q.n() != next[0]) {
                            s[2]++;
                        }
                        if (q.value() != valueOf(q.n())) {
                            s[3]++;
                        }
                        next[0] = q.n() + 1;
                        s[0]++;
                        s[1] += q.value();
                        return Behaviors.same();
                    })
                    .onMessage(Msg.Check.class, c -> {
                        c.replyTo().tell(new Msg.Report(s[0], s[1], s[2], s[3]));
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    /** Streams Seq messages to whoever asks, a window at a time, until it dies. */
    static Behavior<Msg> streamer() {
        return Behaviors.setup(ctx -> {
            ActorRef<Msg>[] to = new ActorRef[1];
            long[] n = {0};
            return Behaviors.receive(Msg.class)
                    .onMessage(Msg.Stream.class, st -> {
                        to[0] = st.to();
                        window(to[0], n, ctx.getSelf());
                        return Behaviors.same();
                    })
                    .onMessage(Msg.Report.class, r -> {
                        window(to[0], n, ctx.getSelf());
                        return Behaviors.same();
                    })
                    .build();
        });
    }

    private static void window(ActorRef<Msg> to, long[] n, ActorRef<Msg> self) {
        for (int i = 0; i < WINDOW; i++) {
            to.tell(new Msg.Seq(n[0], valueOf(n[0])));
            n[0]++;
        }
        to.tell(new Msg.Check(self));
    }

    /** A sink registered as "sink" in its Xen mailboxes. */
    @LingonImage(name = "test-sink", services = {KernelService.STORE, KernelService.CONTROL, KernelService.VCHAN})
    public static final class Sink implements Application {
        @Override
        public SupervisorSpec supervisor(DomainContext domain) {
            return SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE)
                    .child(ChildSpec.worker("sink", () -> Behaviors.<Msg>setup(ctx -> {
                        domain.mailboxes().orElseThrow().register("sink", ctx.getSelf()).orThrow();
                        LOCAL_SINKS.put(domain.name(), ctx.getSelf());
                        return sink();
                    }))).build();
        }

        @Override
        public Config config() {
            return ConfigFactory.parseString(CONFIG);
        }
    }

    /** A streamer registered as "streamer" in its Xen mailboxes. */
    @LingonImage(name = "test-streamer", services = {KernelService.STORE, KernelService.CONTROL, KernelService.VCHAN})
    public static final class Streamer implements Application {
        @Override
        public SupervisorSpec supervisor(DomainContext domain) {
            return SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE)
                    .child(ChildSpec.worker("streamer", () -> Behaviors.<Msg>setup(ctx -> {
                        domain.mailboxes().orElseThrow().register("streamer", ctx.getSelf()).orThrow();
                        return streamer();
                    }))).build();
        }

        @Override
        public Config config() {
            return ConfigFactory.parseString(CONFIG);
        }
    }

    /**
     * Binds the port a peer reserved for it and grants the peer a page holding {@link #PAGE_MARK}
     * ({@code extra}: {@code peer} domid, {@code port} the peer's unbound port), then writes
     * {@code "<bound port> <grant ref>"} to {@code data/test/done} under its home.
     */
    @LingonImage(name = "test-binder", services = {KernelService.STORE, KernelService.CONTROL})
    public static final class Binder implements Application {
        @Override
        public SupervisorSpec supervisor(DomainContext domain) {
            return SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE)
                    .child(ChildSpec.worker("binder", () -> Behaviors.<String>setup(ctx -> {
                        var xen = domain.xen();
                        int peer = Integer.parseInt(domain.extra().get("peer"));
                        int local = xen.evtchn().bindInterdomain(peer, Integer.parseInt(domain.extra().get("port"))).orThrow();
                        var page = xen.memory().allocPage().orThrow();
                        page.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, PAGE_MARK);
                        int ref = xen.gnttab().grantAccess(peer, page.frame(), false).orThrow();
                        xen.store().write("/local/domain/" + xen.handle().domid() + "/data/test/done", local + " " + ref).orThrow();
                        return Behaviors.<String>empty();
                    }))).build();
        }
    }

    static final long PAGE_MARK = 0x4C494E474F4EL;

    /** Logs one line as it starts: its console, a ring to dom0's console daemon, carries it. */
    @LingonImage(name = "test-chatty", services = {KernelService.CONSOLE, KernelService.STORE, KernelService.CONTROL})
    public static final class Chatty implements Application {
        @Override
        public SupervisorSpec supervisor(DomainContext domain) {
            return SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE)
                    .child(ChildSpec.worker("chatty", () -> Behaviors.<String>setup(ctx -> {
                        ctx.getLog().info("hello from {} in process {}", domain.name(), ProcessHandle.current().pid());
                        return Behaviors.<String>empty();
                    }))).build();
        }
    }

    /** Nothing but the kernel's store and control devices: the quickest domain to boot. */
    @LingonImage(name = "test-idle", services = {KernelService.STORE, KernelService.CONTROL})
    public static final class Idle implements Application {
        @Override
        public SupervisorSpec supervisor(DomainContext domain) {
            return SupervisorSpec.builder().strategy(Strategy.ONE_FOR_ONE)
                    .child(ChildSpec.worker("idle", () -> Behaviors.<String>empty())).build();
        }
    }
}
