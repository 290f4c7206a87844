package dev.lingon.xen.serialization;

import com.typesafe.config.ConfigFactory;

import org.apache.pekko.actor.ActorSystem;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The other process of {@link KryoCrossJvmStableIdsTest}: a JVM of its own, with its registrations in
 * yet another order. It reads the frames the test wrote, checks them against the shared samples,
 * writes its own, and reports through its exit code and a report file.
 */
public final class CrossJvmPeer {
    private CrossJvmPeer() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ActorSystem system = ActorSystem.create("CrossJvmPeer", TestSystems.config(KryoCrossJvmStableIdsTest.PEER_REGISTRATIONS)
                .withFallback(ConfigFactory.load()));
        int status = 0;
        StringBuilder report = new StringBuilder();
        try {
            KryoSerializer kryo = KryoSerializer.get(system);
            List<Object> expected = KryoCrossJvmStableIdsTest.samples();
            List<byte[]> frames = readFrames(dir.resolve("from-test.bin"));
            if (frames.size() != expected.size()) {
                status = 1;
                report.append("expected ").append(expected.size()).append(" frames, got ").append(frames.size()).append('\n');
            }
            for (int i = 0; i < Math.min(frames.size(), expected.size()); i++) {
                Object read = kryo.fromBinary(frames.get(i));
                if (!Objects.equals(read, expected.get(i))) {
                    status = 1;
                    report.append("frame ").append(i).append(": expected ").append(expected.get(i)).append(", read ").append(read).append('\n');
                }
            }
            List<byte[]> mine = new ArrayList<>();
            for (Object sample : expected) {
                mine.add(kryo.toBinary(sample));
            }
            writeFrames(dir.resolve("from-peer.bin"), mine);
        } catch (Throwable t) {
            status = 2;
            report.append(t).append('\n');
        } finally {
            Files.writeString(dir.resolve("peer-report.txt"), report.toString());
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
        }
        System.exit(status);
    }

    static void writeFrames(Path file, List<byte[]> frames) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            out.writeInt(frames.size());
            for (byte[] frame : frames) {
                out.writeInt(frame.length);
                out.write(frame);
            }
        }
    }

    static List<byte[]> readFrames(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            int n = in.readInt();
            List<byte[]> frames = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                frames.add(in.readNBytes(in.readInt()));
            }
            return frames;
        }
    }
}
