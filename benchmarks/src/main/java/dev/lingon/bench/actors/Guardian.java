package dev.lingon.bench.actors;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The user guardian of every benchmark system: it runs set-up work (spawning a ring, a million idle
 * actors) inside its own actor context, so the actors are its children, exactly as an application's
 * guardian would spawn them, and the harness thread gets the outcome through a future.
 *
 * <p>Set-up runs as a message and not in {@code Behaviors.setup}, so that the time to start the
 * actor system stays out of every measured figure.
 */
final class Guardian {

    /** The guardian's protocol. */
    sealed interface Command permits Call {
    }

    /**
     * Run {@code work} in the guardian's context and complete {@code reply} with its result. An
     * exception fails the reply and leaves the guardian running; an error fails it and is rethrown
     * for Pekko to handle.
     */
    record Call<R>(Function<ActorContext<Command>, R> work, CompletableFuture<R> reply) implements Command {
        void runIn(ActorContext<Command> context) {
            try {
                reply.complete(work.apply(context));
            } catch (RuntimeException e) {
                reply.completeExceptionally(e);
            } catch (Error e) {
                reply.completeExceptionally(e);
                throw e;
            }
        }
    }

    private Guardian() {
    }

    static Behavior<Command> create() {
        return Behaviors.setup(context -> Behaviors.receiveMessage(command -> {
            switch (command) {
                case Call<?> call -> call.runIn(context);
            }
            return Behaviors.same();
        }));
    }

    /** Asks the guardian of {@code system} to run {@code work} in its context. */
    static <R> CompletableFuture<R> call(ActorSystem<Command> system, Function<ActorContext<Command>, R> work) {
        CompletableFuture<R> reply = new CompletableFuture<>();
        system.tell(new Call<>(work, reply));
        return reply;
    }
}
