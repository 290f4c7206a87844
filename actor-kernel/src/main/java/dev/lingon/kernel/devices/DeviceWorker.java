package dev.lingon.kernel.devices;

import dev.lingon.scheduler.api.Kernels;
import dev.lingon.supervision.api.ChildSpec;
import dev.lingon.supervision.api.ExitReason;
import dev.lingon.supervision.api.Processes;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.ChildFailed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.function.Supplier;

/**
 * The supervised worker of a device. A supervisor spawns its children with default props, so the
 * supervised process is a thin shell that spawns the device's actor (the core) on the kernel lane and
 * shares its fate: the core crashing ends the process with {@code error(cause)}, which the supervisor
 * sees and acts on; the process ending (shutdown, kill) stops the core with it. The shell itself
 * handles no messages.
 */
final class DeviceWorker {

    private DeviceWorker() {
    }

    static ChildSpec spec(String id, Supplier<? extends Behavior<?>> core) {
        return ChildSpec.worker(id, () -> shell(id, core));
    }

    private static Behavior<Object> shell(String id, Supplier<? extends Behavior<?>> core) {
        return Behaviors.setup(ctx -> {
            ActorRef<?> ref = ctx.spawn(core.get(), id, DispatcherSelector.fromConfig(Kernels.KERNEL_DISPATCHER));
            ctx.watch(ref);
            return Behaviors.receive(Object.class)
                    .onSignal(ChildFailed.class, failed -> Processes.exit(ExitReason.error(failed.getCause())))
                    .onSignal(Terminated.class, stopped -> Behaviors.stopped())
                    .build();
        });
    }
}
