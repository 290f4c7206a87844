package dev.lingon.bench.cross;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.ActorSystem;

import java.util.concurrent.CompletableFuture;

/**
 * The Artery baseline's receiving JVM: an actor system on Pekko's default dispatcher with Artery TCP on
 * loopback, the same serializer and the same receiver actor; prints {@code receiver <path>} and lives
 * until its standard input ends.
 */
public final class ArteryReceiverMain {
    private ArteryReceiverMain() {
    }

    public static void main(String[] args) throws Exception {
        CompletableFuture<ActorRef<BenchMsg>> rcv = new CompletableFuture<>();
        ActorSystem<Void> sys = ActorSystem.create(Variant.spawning(Actors.receiver(), "receiver", rcv), "receiver", Variant.arteryConfig());
        System.out.println("receiver " + ActorRefResolver.get(sys).toSerializationFormat(rcv.join()));
        System.out.flush();
        while (System.in.read() >= 0) {
            // the harness writes nothing; its end is ours
        }
        sys.terminate();
    }
}
