package dev.lingon.kernel.boot;

import dev.lingon.kernel.api.Console;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.ImageManifest;
import dev.lingon.kernel.api.KernelService;
import dev.lingon.kernel.api.StoreClient;
import dev.lingon.scheduler.api.DomainKernel;
import dev.lingon.supervision.api.Pid;
import dev.lingon.supervision.api.Supervisor;
import dev.lingon.supervision.api.TerminateChildResult;
import dev.lingon.xen.api.DomainHandle;
import dev.lingon.xen.api.XenDomain;
import dev.lingon.xen.mailbox.XenMailboxes;

import org.apache.pekko.actor.typed.ActorSystem;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The {@link DomainContext} of a domain being booted: filled in as the boot goes (the actor system
 * once it exists, the device facades as the device provider makes them, the root supervisor once it
 * started). Thread-safe: fields are set once, during boot, and read afterwards.
 */
public final class BootContext implements DomainContext {
    private final DomainSpec spec;
    private final XenDomain xen;
    private final DomainKernel kernel;
    private final ImageManifest image;
    private volatile ActorSystem<?> system;
    private volatile StoreClient store;
    private volatile Console console;
    private volatile Pid root;
    private volatile boolean orderlyStop;
    private final java.util.List<AutoCloseable> closers = new java.util.concurrent.CopyOnWriteArrayList<>();

    BootContext(DomainSpec spec, XenDomain xen, DomainKernel kernel, ImageManifest image) {
        this.spec = spec;
        this.xen = xen;
        this.kernel = kernel;
        this.image = image;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public DomainHandle handle() {
        return xen.handle();
    }

    @Override
    public XenDomain xen() {
        return xen;
    }

    @Override
    public ActorSystem<?> system() {
        ActorSystem<?> s = system;
        if (s == null) {
            throw new IllegalStateException("the actor system of " + spec.name() + " is not up yet");
        }
        return s;
    }

    void system(ActorSystem<?> s) {
        this.system = s;
    }

    @Override
    public DomainKernel kernel() {
        return kernel;
    }

    @Override
    public ImageManifest image() {
        return image;
    }

    public DomainSpec spec() {
        return spec;
    }

    @Override
    public Map<String, String> extra() {
        return spec.extra();
    }

    @Override
    public Optional<StoreClient> store() {
        return Optional.ofNullable(store);
    }

    /** Called by the device provider when it makes the store device. */
    public void store(StoreClient s) {
        this.store = s;
    }

    @Override
    public Optional<Console> console() {
        return Optional.ofNullable(console);
    }

    /** Called by the device provider when it makes the console device. */
    public void console(Console c) {
        this.console = c;
    }

    @Override
    public Optional<XenMailboxes> mailboxes() {
        return image.has(KernelService.VCHAN) ? Optional.of(XenMailboxes.get(system())) : Optional.empty();
    }

    /** Something (a device) to close after the actor system terminated; closed in reverse order. */
    public void closeAfterTermination(AutoCloseable c) {
        closers.add(c);
    }

    void closeAll() {
        for (int i = closers.size() - 1; i >= 0; i--) {
            try {
                closers.get(i).close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(BootContext.class).warn("{}: closing {} failed: {}", spec.name(), closers.get(i), e.toString());
            }
        }
        closers.clear();
    }

    void root(Pid pid) {
        this.root = pid;
    }

    Pid root() {
        return root;
    }

    boolean orderlyStop() {
        return orderlyStop;
    }

    @Override
    public CompletionStage<Void> stopApplication() {
        Pid r = root;
        if (r == null) {
            return CompletableFuture.failedFuture(new IllegalStateException(spec.name() + " has not finished booting"));
        }
        orderlyStop = true;
        return Supervisor.ref(system(), r).terminateChild(Kernel.APPLICATION).thenApply((TerminateChildResult t) -> null);
    }
}
