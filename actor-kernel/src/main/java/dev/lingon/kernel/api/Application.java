package dev.lingon.kernel.api;

import dev.lingon.supervision.api.SupervisorSpec;

/**
 * A Lingon application: the one sealed program of a domain. The kernel boots the domain, starts the
 * kernel services the image names, then the supervision tree this returns, under the domain's root
 * supervisor. If that tree gives up, the root gives up and the domain crashes; dom0 then applies the
 * domain's {@code on_crash}.
 *
 * <p>Implementations need a public no-argument constructor (the toolstack instantiates them from the
 * class named in the domain config).
 */
public interface Application {

    /** The application's top supervisor. Called once per boot, on a vCPU of the new domain. */
    SupervisorSpec supervisor(DomainContext ctx);

    /**
     * Pekko configuration the application needs, e.g. the serialization bindings of the messages it
     * sends to other domains ({@code pekko.actor.serialization-bindings}, {@code lingon.serialization.kryo}).
     */
    default com.typesafe.config.Config config() {
        return com.typesafe.config.ConfigFactory.empty();
    }
}
