package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.supervision.api.SupervisorSpec;

/** The application the test configs name; the fake toolstack never boots it. */
public final class TestApp implements Application {
    @Override
    public SupervisorSpec supervisor(DomainContext ctx) {
        throw new UnsupportedOperationException("the CLI tests run a fake toolstack that boots nothing");
    }
}
