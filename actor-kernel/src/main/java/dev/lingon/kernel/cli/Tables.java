package dev.lingon.kernel.cli;

import dev.lingon.kernel.api.DomainStatus;
import dev.lingon.kernel.api.DomainTop;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** The CLI's tables, laid out as {@code xl list} and {@code xentop} lay theirs out. Stateless. */
final class Tables {

    /** xl's state letters, each in its own column: running, blocked, paused, shutdown, crashed, dying. */
    static final String STATE_LETTERS = "rbpscd";

    private Tables() {
    }

    /**
     * {@code xl list}'s table, byte for byte: the header (with xl's tabs) and a row per domain, the time
     * column being the domain's uptime in seconds.
     */
    static void list(PrintWriter out, List<DomainStatus> domains) {
        out.println("Name                                        ID   Mem VCPUs\tState\tTime(s)");
        for (DomainStatus d : domains) {
            out.println(String.format(Locale.ROOT, "%-40s %5d %5d %5d     %s  %8.1f", d.name(), d.domid(), d.memoryMiB(),
                    d.vcpus(), stateColumns(d.state()), d.uptime().toMillis() / 1000.0));
        }
        out.flush();
    }

    /** xl's six-column state: {@code r-----} for running, {@code --p---} for paused, {@code ------} when unknown. */
    static String stateColumns(char state) {
        char[] cols = "------".toCharArray();
        int at = STATE_LETTERS.indexOf(state);
        if (at >= 0) {
            cols[at] = state;
        }
        return new String(cols);
    }

    /** {@code lingon top}'s table: per-domain scheduler figures since the previous sample. */
    static void top(PrintWriter out, List<DomainTop> rows) {
        int nameWidth = Math.max(16, rows.stream().mapToInt(r -> r.name().length()).max().orElse(0));
        String header = "%-" + nameWidth + "s %5s %5s %7s %10s %10s %8s %5s";
        String row = "%-" + nameWidth + "s %5d %5d %7.1f %10.1f %10.1f %8d %5d";
        out.println(String.format(Locale.ROOT, header, "NAME", "ID", "VCPUS", "CPU(%)", "SLICES/s", "EVENTS/s", "STEALS", "RUNQ"));
        for (DomainTop t : rows) {
            out.println(String.format(Locale.ROOT, row, t.name(), t.domid(), t.vcpus(), t.cpuPercent(), t.slicesPerSec(),
                    t.eventsPerSec(), t.steals(), t.runQueue()));
        }
        out.flush();
    }
}
