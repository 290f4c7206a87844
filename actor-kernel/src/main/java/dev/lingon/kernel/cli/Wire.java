package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.Dom0Exception;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.api.DomainStatus;
import dev.lingon.kernel.api.DomainTop;
import dev.lingon.supervision.api.domain.DomainAction;
import dev.lingon.supervision.api.domain.DomainRestartPolicy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The control socket's wire format: frames of big-endian fields, encoded and decoded by exhaustive
 * switches over {@link Request} and {@link Response}.
 *
 * <pre>
 * frame     = length:u32  payload[length]                 1 &lt;= length &lt;= 16 MiB
 * request   = version:u8 (= 1)  tag:u8  fields
 * response  = tag:u8  fields
 * str       = n:u32  UTF-8[n]
 * bool = u8 (0|1)   int = i32   long = i64   double = IEEE-754 f64
 *
 * request tags   1 list        —
 *                2 create      spec
 *                3 lifecycle   op:str (SHUTDOWN|REBOOT|DESTROY|PAUSE|UNPAUSE)  domain:str
 *                4 console     domain:str  follow:bool
 *                5 top         —
 * response tags  1 domains     n:u32  status[n]
 *                2 created     status
 *                3 done        —
 *                4 tops        n:u32  top[n]
 *                5 line        text:str
 *                6 failure     kind:str (a Dom0Exception.Kind name)  message:str
 *
 * status = name:str domid:int state:u16 vcpus:int memoryMiB:int uptimeMillis:long
 * top    = name:str domid:int vcpus:int cpuPercent:double slicesPerSec:double eventsPerSec:double
 *          steals:long runQueue:int
 * spec   = name:str vcpus:int memoryMiB:int application:str on_poweroff:str on_reboot:str
 *          on_watchdog:str on_crash:str on_soft_reset:str (xl action names) intensity:int
 *          periodSeconds:long backend:str (INPROC|PROCESS) n:u32 (key:str value:str)[n] source:str
 * </pre>
 *
 * Enumerations travel by name, so adding a constant does not shift the others. Stateless.
 */
final class Wire {

    static final int VERSION = 1;
    static final int MAX_FRAME = 16 << 20;

    private static final int REQ_LIST = 1;
    private static final int REQ_CREATE = 2;
    private static final int REQ_LIFECYCLE = 3;
    private static final int REQ_CONSOLE = 4;
    private static final int REQ_TOP = 5;

    private static final int RSP_DOMAINS = 1;
    private static final int RSP_CREATED = 2;
    private static final int RSP_DONE = 3;
    private static final int RSP_TOPS = 4;
    private static final int RSP_LINE = 5;
    private static final int RSP_FAILURE = 6;

    private Wire() {
    }

    /** A frame that breaks the format: the connection cannot go on. */
    static final class ProtocolException extends IOException {
        ProtocolException(String message) {
            super(message);
        }
    }

    // ---- frames ------------------------------------------------------------------------------------

    /** Writes one frame; the caller keeps writes to one channel from interleaving. */
    static void writeFrame(WritableByteChannel ch, byte[] payload) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + payload.length);
        b.putInt(payload.length).put(payload).flip();
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    /** Reads one frame; empty at a clean end of stream between frames. */
    static Optional<ByteBuffer> readFrame(ReadableByteChannel ch) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(4);
        if (!readFully(ch, header, true)) {
            return Optional.empty();
        }
        int length = header.flip().getInt();
        if (length < 1 || length > MAX_FRAME) {
            throw new ProtocolException("frame length " + Integer.toUnsignedString(length) + " is outside 1.." + MAX_FRAME);
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(ch, payload, false);
        return Optional.of(payload.flip());
    }

    private static boolean readFully(ReadableByteChannel ch, ByteBuffer b, boolean endAllowed) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                if (endAllowed && b.position() == 0) {
                    return false;
                }
                throw new EOFException("the connection ended inside a frame");
            }
        }
        return true;
    }

    // ---- requests ----------------------------------------------------------------------------------

    static byte[] encode(Request r) {
        Out o = new Out();
        o.u8(VERSION);
        switch (r) {
            case Request.ListDomains l -> o.u8(REQ_LIST);
            case Request.Create c -> {
                o.u8(REQ_CREATE);
                spec(o, c.spec());
            }
            case Request.Lifecycle l -> {
                o.u8(REQ_LIFECYCLE);
                o.str(l.op().name());
                o.str(l.domain());
            }
            case Request.Console c -> {
                o.u8(REQ_CONSOLE);
                o.str(c.domain());
                o.bool(c.follow());
            }
            case Request.Top t -> o.u8(REQ_TOP);
        }
        return o.bytes();
    }

    static Request decodeRequest(ByteBuffer b) throws ProtocolException {
        In in = new In(b);
        int version = in.u8();
        if (version != VERSION) {
            throw new ProtocolException("protocol version " + version + " is not spoken here (this dom0 speaks " + VERSION + ")");
        }
        int tag = in.u8();
        Request r = switch (tag) {
            case REQ_LIST -> new Request.ListDomains();
            case REQ_CREATE -> new Request.Create(spec(in));
            case REQ_LIFECYCLE -> new Request.Lifecycle(in.enumeration(Request.Op.class), in.str());
            case REQ_CONSOLE -> new Request.Console(in.str(), in.bool());
            case REQ_TOP -> new Request.Top();
            default -> throw new ProtocolException("unknown request tag " + tag);
        };
        in.end();
        return r;
    }

    // ---- responses ---------------------------------------------------------------------------------

    static byte[] encode(Response r) {
        Out o = new Out();
        switch (r) {
            case Response.Domains d -> {
                o.u8(RSP_DOMAINS);
                o.u32(d.domains().size());
                d.domains().forEach(s -> status(o, s));
            }
            case Response.Created c -> {
                o.u8(RSP_CREATED);
                status(o, c.status());
            }
            case Response.Done d -> o.u8(RSP_DONE);
            case Response.Tops t -> {
                o.u8(RSP_TOPS);
                o.u32(t.rows().size());
                t.rows().forEach(row -> top(o, row));
            }
            case Response.ConsoleLine l -> {
                o.u8(RSP_LINE);
                o.str(l.line());
            }
            case Response.Failure f -> {
                o.u8(RSP_FAILURE);
                o.str(f.kind().name());
                o.str(f.message());
            }
        }
        return o.bytes();
    }

    static Response decodeResponse(ByteBuffer b) throws ProtocolException {
        In in = new In(b);
        int tag = in.u8();
        Response r = switch (tag) {
            case RSP_DOMAINS -> {
                int n = in.count();
                List<DomainStatus> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(status(in));
                }
                yield new Response.Domains(list);
            }
            case RSP_CREATED -> new Response.Created(status(in));
            case RSP_DONE -> new Response.Done();
            case RSP_TOPS -> {
                int n = in.count();
                List<DomainTop> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(top(in));
                }
                yield new Response.Tops(list);
            }
            case RSP_LINE -> new Response.ConsoleLine(in.str());
            case RSP_FAILURE -> {
                String kind = in.str();
                Dom0Exception.Kind k;
                try {
                    k = Dom0Exception.Kind.valueOf(kind);
                } catch (IllegalArgumentException e) {
                    // A newer dom0 may know kinds this client does not; the message still says what happened.
                    k = Dom0Exception.Kind.FAILED;
                }
                yield new Response.Failure(k, in.str());
            }
            default -> throw new ProtocolException("unknown response tag " + tag);
        };
        in.end();
        return r;
    }

    // ---- records -----------------------------------------------------------------------------------

    private static void status(Out o, DomainStatus s) {
        o.str(s.name());
        o.i32(s.domid());
        o.u16(s.state());
        o.i32(s.vcpus());
        o.i32(s.memoryMiB());
        o.i64(s.uptime().toMillis());
    }

    private static DomainStatus status(In in) throws ProtocolException {
        return new DomainStatus(in.str(), in.i32(), (char) in.u16(), in.i32(), in.i32(), Duration.ofMillis(in.i64()));
    }

    private static void top(Out o, DomainTop t) {
        o.str(t.name());
        o.i32(t.domid());
        o.i32(t.vcpus());
        o.f64(t.cpuPercent());
        o.f64(t.slicesPerSec());
        o.f64(t.eventsPerSec());
        o.i64(t.steals());
        o.i32(t.runQueue());
    }

    private static DomainTop top(In in) throws ProtocolException {
        return new DomainTop(in.str(), in.i32(), in.i32(), in.f64(), in.f64(), in.f64(), in.i64(), in.i32());
    }

    private static void spec(Out o, DomainSpec s) {
        o.str(s.name());
        o.i32(s.vcpus());
        o.i32(s.memoryMiB());
        o.str(s.application());
        DomainRestartPolicy p = s.policy();
        o.str(p.onPoweroff().xlName());
        o.str(p.onReboot().xlName());
        o.str(p.onWatchdog().xlName());
        o.str(p.onCrash().xlName());
        o.str(p.onSoftReset().xlName());
        o.i32(p.intensity());
        o.i64(p.period().getSeconds());
        o.str(s.backend().name());
        o.u32(s.extra().size());
        // Sorted so that the same spec always encodes to the same bytes.
        s.extra().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            o.str(e.getKey());
            o.str(e.getValue());
        });
        o.str(s.source());
    }

    private static DomainSpec spec(In in) throws ProtocolException {
        String name = in.str();
        int vcpus = in.i32();
        int memory = in.i32();
        String application = in.str();
        DomainAction onPoweroff = in.action();
        DomainAction onReboot = in.action();
        DomainAction onWatchdog = in.action();
        DomainAction onCrash = in.action();
        DomainAction onSoftReset = in.action();
        int intensity = in.i32();
        long period = in.i64();
        DomainSpec.Backend backend = in.enumeration(DomainSpec.Backend.class);
        int n = in.count();
        Map<String, String> extra = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            extra.put(in.str(), in.str());
        }
        String source = in.str();
        try {
            DomainRestartPolicy policy = new DomainRestartPolicy(onPoweroff, onReboot, onWatchdog, onCrash, onSoftReset,
                    intensity, Duration.ofSeconds(period));
            return new DomainSpec(name, vcpus, memory, application, policy, backend, extra, source);
        } catch (IllegalArgumentException e) {
            throw new ProtocolException("invalid domain spec: " + e.getMessage());
        }
    }

    // ---- fields ------------------------------------------------------------------------------------

    /** Field writer over a growing array; the fields are in memory, so writes cannot fail. */
    private static final class Out {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream data = new DataOutputStream(bytes);

        void u8(int v) {
            run(() -> data.writeByte(v));
        }

        void u16(int v) {
            run(() -> data.writeShort(v));
        }

        void u32(int v) {
            run(() -> data.writeInt(v));
        }

        void i32(int v) {
            run(() -> data.writeInt(v));
        }

        void i64(long v) {
            run(() -> data.writeLong(v));
        }

        void f64(double v) {
            run(() -> data.writeDouble(v));
        }

        void bool(boolean v) {
            u8(v ? 1 : 0);
        }

        void str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u32(b.length);
            run(() -> data.write(b));
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        private interface Write {
            void run() throws IOException;
        }

        private static void run(Write w) {
            try {
                w.run();
            } catch (IOException e) {
                throw new UncheckedIOException("writing to memory failed", e);
            }
        }
    }

    /** Field reader; any shortfall or bad value is a {@link ProtocolException}. */
    private static final class In {
        private final ByteBuffer b;

        In(ByteBuffer b) {
            this.b = b;
        }

        int u8() throws ProtocolException {
            return get(() -> b.get() & 0xFF);
        }

        int u16() throws ProtocolException {
            return get(() -> b.getShort() & 0xFFFF);
        }

        int i32() throws ProtocolException {
            return get(b::getInt);
        }

        long i64() throws ProtocolException {
            return get(b::getLong);
        }

        double f64() throws ProtocolException {
            return get(b::getDouble);
        }

        boolean bool() throws ProtocolException {
            int v = u8();
            if (v > 1) {
                throw new ProtocolException("boolean field holds " + v);
            }
            return v == 1;
        }

        /** A count of items that follow, each at least one byte. */
        int count() throws ProtocolException {
            int n = i32();
            if (n < 0 || n > b.remaining()) {
                throw new ProtocolException("count " + Integer.toUnsignedString(n) + " exceeds the frame");
            }
            return n;
        }

        String str() throws ProtocolException {
            int n = i32();
            if (n < 0 || n > b.remaining()) {
                throw new ProtocolException("string length " + Integer.toUnsignedString(n) + " exceeds the frame");
            }
            ByteBuffer slice = b.slice(b.position(), n);
            b.position(b.position() + n);
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(slice).toString();
            } catch (CharacterCodingException e) {
                throw new ProtocolException("string is not UTF-8");
            }
        }

        <E extends Enum<E>> E enumeration(Class<E> type) throws ProtocolException {
            String name = str();
            try {
                return Enum.valueOf(type, name);
            } catch (IllegalArgumentException e) {
                throw new ProtocolException("unknown " + type.getSimpleName() + " " + name);
            }
        }

        DomainAction action() throws ProtocolException {
            String name = str();
            try {
                return DomainAction.parse(name);
            } catch (IllegalArgumentException e) {
                throw new ProtocolException("unknown domain action " + name);
            }
        }

        void end() throws ProtocolException {
            if (b.hasRemaining()) {
                throw new ProtocolException(b.remaining() + " bytes left over after the message");
            }
        }

        private interface Get<T> {
            T get();
        }

        private static <T> T get(Get<T> g) throws ProtocolException {
            try {
                return g.get();
            } catch (BufferUnderflowException e) {
                throw new ProtocolException("message ends early");
            }
        }
    }
}
