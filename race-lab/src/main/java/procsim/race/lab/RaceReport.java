package procsim.race.lab;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The race lab's report of a sweep's points: a fixed-width table for people (one row per point,
 * printed as each point finishes), the same points as CSV and JSON for tools, and the cross-check
 * verdict. Miss rates are the median over a point's runs with their spread (interquartile range
 * and min-max). Pure functions of the points and the machine record: the same points give the
 * same text, so a replay's report can be diffed.
 */
public final class RaceReport {
    static final String[] CSV_HEADER = {"kernel", "mode", "method", "workers", "gap_us", "interference", "iterations",
        "children", "overlap", "runs", "attempts", "hits", "misses", "miss_rate_median", "miss_rate_q1",
        "miss_rate_q3", "miss_rate_iqr", "miss_rate_min", "miss_rate_max", "miss_rates", "errors",
        "attempts_per_s_median", "writes", "landed", "elsewhere", "stolen", "accounted", "causes"};

    private static final String FMT = "%-6s %-12s %3s %6s %3s %8s %7s %7s %13s %13s  %-12s %10s  %-11s %s%n";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private RaceReport() {
    }

    /** The table's header line. */
    public static String tableHeader() {
        return String.format(Locale.ROOT, FMT, "kernel", "method", "W", "gap_us", "n", "attempts", "misses", "miss%",
                "IQR", "min-max", "errors", "attempts/s", "accounted", "causes");
    }

    /** One point's line: medians and spread over its runs; {@code n/a} for a method the kernel lacks. */
    public static String tableRow(RacePoint p) {
        if (!p.applicable()) {
            return String.format(Locale.ROOT, FMT, p.kernel(), p.method().label(), p.workers(), p.gapUs(), "-", "-",
                    "-", "n/a", "-", "-", "-", "-", "-", "-");
        }
        Spread m = p.missRate();
        Spread t = p.throughput();
        return String.format(Locale.ROOT, FMT, p.kernel(), p.method().label(), p.workers(), p.gapUs(), m.n(),
                p.attempts(), p.misses(), percent(m.median()), range(m.q1(), m.q3()), range(m.min(), m.max()),
                RacePoint.text(p.errors()), t == null ? "-" : String.format(Locale.ROOT, "%.0f", t.median()),
                accountedText(p), RacePoint.text(p.causes()));
    }

    /** The table, header line included. */
    public static String table(List<RacePoint> points) {
        StringBuilder b = new StringBuilder(tableHeader());
        for (RacePoint p : points) b.append(tableRow(p));
        return b.toString();
    }

    /** {@code 12/12}, or {@code -} where there is nothing to account for. */
    static String accountedText(RacePoint p) {
        if (!p.crossChecked() || p.misses() == 0 && p.accounted() == 0) return "-";
        return p.accounted() + "/" + p.misses();
    }

    static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", rate * 100);
    }

    static String range(double lo, double hi) {
        return String.format(Locale.ROOT, "%.1f-%.1f%%", lo * 100, hi * 100);
    }

    /**
     * The cross-check verdict, one line: every sim ns_last_pid miss must have its {@code elsewhere}
     * line (same thread, pid got, pid wanted) in the namespace's race log.
     */
    public static String crossCheck(List<RacePoint> points) {
        long misses = 0;
        long accounted = 0;
        StringBuilder failed = new StringBuilder();
        for (RacePoint p : points) {
            if (!p.crossChecked()) continue;
            for (RaceRowView r : RaceRowView.of(p)) {
                misses += r.misses;
                accounted += Math.min(r.accounted, r.misses);
                if (r.accounted != r.misses) {
                    failed.append(failed.length() == 0 ? "" : ", ").append("W=").append(p.workers())
                            .append(p.gapUs() > 0 ? " gap=" + p.gapUs() : "").append(": ").append(r.accounted)
                            .append(" of ").append(r.misses);
                }
            }
        }
        if (failed.length() > 0) {
            return "cross-check FAILED: ns_last_pid misses without their elsewhere line in the race log (" + failed
                    + ")";
        }
        return "cross-check: " + accounted + " of " + misses + " sim ns_last_pid misses accounted for by an elsewhere "
                + "line (same tid, pid, wanted) in procsim/pidns/<inum>/allocations";
    }

    /** True if every sim run passes the cross-check. */
    public static boolean crossCheckPassed(List<RacePoint> points) {
        for (RacePoint p : points) {
            if (!p.crossChecked()) continue;
            for (RaceRowView r : RaceRowView.of(p)) {
                if (r.accounted != r.misses) return false;
            }
        }
        return true;
    }

    /** One run's misses and how many of them the race log accounts for. */
    private record RaceRowView(long misses, long accounted) {
        static List<RaceRowView> of(RacePoint p) {
            return p.runs().stream().map(r -> new RaceRowView(r.tally().misses(), r.evidence().accounted())).toList();
        }
    }

    /**
     * The points as CSV (RFC 4180, commons-csv), the machine record first as {@code #} comment lines,
     * then the header and one record per point; a point's spread in its {@code miss_rate_*} fields,
     * each run's rate in {@code miss_rates} (space-separated). Fields without a value are empty.
     */
    public static String csv(List<RacePoint> points, MachineRecord machine) {
        StringWriter w = new StringWriter();
        CSVFormat format = CSVFormat.RFC4180.builder().setCommentMarker('#').setRecordSeparator('\n').get();
        try (CSVPrinter out = new CSVPrinter(w, format)) {
            out.printComment(machine.headerLine().substring(2));
            out.printComment(machine.afterLine().substring(2));
            out.printRecord((Object[]) CSV_HEADER);
            for (RacePoint p : points) out.printRecord(csvRecord(p));
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }

    private static List<Object> csvRecord(RacePoint p) {
        List<Object> r = new ArrayList<>();
        var plan = p.applicable() ? p.runs().get(0).plan() : null;
        r.addAll(List.of(p.kernel(), p.mode(), p.method().label(), p.workers(), p.gapUs()));
        r.add(plan == null ? "" : plan.interference());
        r.add(plan == null ? "" : plan.iterations());
        r.add(plan == null ? "" : plan.children());
        r.add(plan == null ? "" : plan.overlap());
        r.add(p.runs().size());
        if (!p.applicable()) {
            while (r.size() < CSV_HEADER.length) r.add("");
            return r;
        }
        Spread m = p.missRate();
        r.addAll(List.of(p.attempts(), p.hits(), p.misses(), f4(m.median()), f4(m.q1()), f4(m.q3()), f4(m.iqr()),
                f4(m.min()), f4(m.max())));
        StringBuilder rates = new StringBuilder();
        for (double d : p.missRates()) rates.append(rates.length() == 0 ? "" : " ").append(f4(d));
        r.add(rates.toString());
        r.add(p.errors().isEmpty() ? "" : RacePoint.text(p.errors()));
        Spread t = p.throughput();
        r.add(t == null ? "" : String.format(Locale.ROOT, "%.1f", t.median()));
        boolean ev = p.kernel().equals(RacePoint.SIM);
        for (long v : new long[] {p.writes(), p.landed(), p.elsewhere(), p.stolen(), p.accounted()}) {
            r.add(ev ? Long.toString(v) : "");
        }
        r.add(p.causes().isEmpty() ? "" : RacePoint.text(p.causes()));
        return r;
    }

    private static String f4(double d) {
        return String.format(Locale.ROOT, "%.4f", d);
    }

    /**
     * The sweep as one JSON object: {@code machine} (the record), {@code settings} (as given) and
     * {@code points}, each with its spread ({@code miss_rate}: median, q1, q3, iqr, min, max, n) and
     * every run's counts.
     */
    public static String json(List<RacePoint> points, MachineRecord machine, Map<String, Object> settings) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode m = root.putObject("machine");
        m.put("cpus", machine.cpus());
        load(m.putArray("loadavg_before"), machine.loadBefore());
        load(m.putArray("loadavg_after"), machine.loadAfter());
        m.put("kernel", machine.kernel());
        m.put("jvm", machine.jvm());
        m.put("procsim", machine.procsim());
        if (machine.warning() != null) m.put("warning", machine.warning());
        root.set("settings", JSON.valueToTree(settings));
        ArrayNode arr = root.putArray("points");
        for (RacePoint p : points) {
            ObjectNode o = arr.addObject();
            o.put("kernel", p.kernel());
            o.put("mode", p.mode());
            o.put("method", p.method().label());
            o.put("workers", p.workers());
            o.put("gap_us", p.gapUs());
            o.put("applicable", p.applicable());
            o.put("runs", p.runs().size());
            if (!p.applicable()) continue;
            o.put("attempts", p.attempts());
            o.put("hits", p.hits());
            o.put("misses", p.misses());
            spread(o.putObject("miss_rate"), p.missRate());
            if (p.throughput() != null) spread(o.putObject("attempts_per_s"), p.throughput());
            o.set("errors", JSON.valueToTree(p.errors()));
            if (p.kernel().equals(RacePoint.SIM)) {
                ObjectNode ev = o.putObject("evidence");
                ev.put("writes", p.writes());
                ev.put("landed", p.landed());
                ev.put("elsewhere", p.elsewhere());
                ev.put("stolen", p.stolen());
                ev.put("accounted", p.accounted());
                ev.set("causes", JSON.valueToTree(p.causes()));
            }
            ArrayNode runs = o.putArray("per_run");
            for (var r : p.runs()) {
                ObjectNode x = runs.addObject();
                x.put("attempts", r.tally().attempts());
                x.put("hits", r.tally().hits());
                x.put("misses", r.tally().misses());
                x.put("miss_rate", r.tally().missRate());
                if (!Double.isNaN(r.seconds())) x.put("seconds", r.seconds());
            }
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void load(ArrayNode a, double[] load) {
        if (load != null) for (double d : load) a.add(d);
    }

    private static void spread(ObjectNode o, Spread s) {
        o.put("n", s.n());
        o.put("median", s.median());
        o.put("q1", s.q1());
        o.put("q3", s.q3());
        o.put("iqr", s.iqr());
        o.put("min", s.min());
        o.put("max", s.max());
    }
}
