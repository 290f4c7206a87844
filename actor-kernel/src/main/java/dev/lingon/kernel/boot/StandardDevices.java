package dev.lingon.kernel.boot;

import dev.lingon.kernel.api.KernelService;
import dev.lingon.kernel.devices.ConsoleDevice;
import dev.lingon.kernel.devices.ControlDevice;
import dev.lingon.kernel.devices.KernelDevice;
import dev.lingon.kernel.devices.StoreDevice;
import dev.lingon.supervision.api.ChildSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel services a Lingon image can name, made in the order they start: console first (so the
 * others' log lines reach dom0), then store, then control. Vchan is not a device here: Xen mailboxes
 * start with the actor system. The devices are closed, in reverse order, after the domain's actor
 * system terminated.
 */
public final class StandardDevices implements DeviceProvider {

    @Override
    public List<ChildSpec> devices(BootContext ctx) {
        List<KernelDevice> made = new ArrayList<>();
        if (ctx.image().has(KernelService.CONSOLE)) {
            ConsoleDevice c = ConsoleDevice.start(ctx);
            ctx.console(c);
            made.add(c);
        }
        if (ctx.image().has(KernelService.STORE)) {
            StoreDevice s = StoreDevice.start(ctx);
            ctx.store(s);
            made.add(s);
        }
        if (ctx.image().has(KernelService.CONTROL)) {
            made.add(ControlDevice.start(ctx));
        }
        List<ChildSpec> specs = new ArrayList<>();
        for (KernelDevice d : made) {
            specs.add(d.childSpec());
            ctx.closeAfterTermination(d);
        }
        return specs;
    }
}
