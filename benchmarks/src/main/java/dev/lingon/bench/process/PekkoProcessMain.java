package dev.lingon.bench.process;

import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The baseline of the process-domain boot benchmark: a new JVM with a plain Pekko ActorSystem and one
 * actor that sends itself a message; prints {@code first <nanoTime>} when it arrives, then stops.
 */
public final class PekkoProcessMain {
    private PekkoProcessMain() {
    }

    public static void main(String[] args) {
        ActorSystem<String> sys = ActorSystem.create(Behaviors.<String>setup(a -> {
            a.getSelf().tell("hello");
            return Behaviors.receiveMessage(m -> {
                System.out.println("first " + System.nanoTime());
                System.out.flush();
                a.getSystem().terminate();
                return Behaviors.same();
            });
        }), "pekko", ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.stdout-loglevel = WARNING").withFallback(ConfigFactory.load()));
        sys.getWhenTerminated().toCompletableFuture().join();
    }
}
