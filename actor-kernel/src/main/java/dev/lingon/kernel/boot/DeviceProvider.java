package dev.lingon.kernel.boot;

import dev.lingon.supervision.api.ChildSpec;

import java.util.List;

/**
 * Makes the kernel services (devices) of a booting domain: the supervised workers that run them,
 * started in order under the domain's {@code kernel} supervisor before the application. A provider
 * also hands the application-facing facades (console, store client) to the context it is given.
 */
@FunctionalInterface
public interface DeviceProvider {

    List<ChildSpec> devices(BootContext ctx);
}
