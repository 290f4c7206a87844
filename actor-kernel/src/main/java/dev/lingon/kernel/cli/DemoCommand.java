package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Exception;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lingon demo [ARGS…]}: runs the {@link Demo} found on the class path, passing every argument on. */
@Command(name = "demo", description = "Run the Lingon demo (every argument goes to the demo).")
final class DemoCommand implements Callable<Integer> {

    @ParentCommand
    Lingon lingon;

    @Spec
    CommandSpec spec;

    @Unmatched
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Demo demo = lingon.env().demo().orElseThrow(() -> new Dom0Exception(Dom0Exception.Kind.FAILED,
                "no demo on the class path: `lingon demo` runs a " + Demo.class.getName()
                        + " service, which the demo-apps module provides; build and run it through ./lingon"));
        return demo.run(new DemoContext(args, spec.commandLine().getOut(), spec.commandLine().getErr(), lingon.socket(),
                lingon.env()));
    }
}
