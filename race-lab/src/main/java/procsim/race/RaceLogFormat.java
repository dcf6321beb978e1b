package procsim.race;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import procsim.pid.Pid;
import procsim.pid.PidNamespace;

/**
 * The race log as text, one grammar for the mount's files ({@code M/procsim/pidns/<inum>/}) and the
 * replay's log (no Linux counterpart), one line per event, oldest first:
 * <pre>
 * writes:      SEQ tid=T value=V
 * allocations: SEQ tid=T pid=N landed
 *              SEQ tid=T pid=N elsewhere wanted=W cause=taken|overwritten|in_use [by=T2]
 * stolen:      SEQ pid=N asked_by=T2 taken_by=T
 * summary:     writes N / landed N / elsewhere N / stolen N
 * </pre>
 * Thread ids are as the reader's namespace sees them (0 if not visible there), {@code operator}
 * for the unattached operator. The parsers read back what the live run needs.
 */
public final class RaceLogFormat {
    /** The four counters of a log (the summary file). */
    public record Summary(long writes, long landed, long elsewhere, long stolen) {
        /** The change since {@code before}. */
        public Summary minus(Summary before) {
            return new Summary(writes - before.writes, landed - before.landed, elsewhere - before.elsewhere,
                    stolen - before.stolen);
        }

        /** The summary file's text. */
        public String text() {
            return "writes " + writes + "\nlanded " + landed + "\nelsewhere " + elsewhere + "\nstolen " + stolen + "\n";
        }

        /** The counters of a summary file's text; IllegalArgumentException if one is missing. */
        public static Summary parse(String text) {
            Map<String, Long> v = new HashMap<>();
            for (String line : text.split("\n")) {
                String[] w = line.strip().split("\\s+");
                if (w.length == 2) v.put(w[0], Long.parseLong(w[1]));
            }
            for (String k : List.of("writes", "landed", "elsewhere", "stolen")) {
                if (!v.containsKey(k)) throw new IllegalArgumentException("summary has no '" + k + "' line: " + text);
            }
            return new Summary(v.get("writes"), v.get("landed"), v.get("elsewhere"), v.get("stolen"));
        }
    }

    /** One {@code elsewhere} line of the allocations file; {@code by} null for in_use. */
    public record Elsewhere(long seq, String tid, int pid, int wanted, String cause, String by) {
    }

    /** The event files, in the order the live log lists them. */
    public static final List<String> FILES = List.of("writes", "allocations", "stolen");

    private static final Pattern ELSEWHERE = Pattern.compile(
            "(\\d+) tid=(\\S+) pid=(\\d+) elsewhere wanted=(\\d+) cause=(\\w+)(?: by=(\\S+))?");

    private RaceLogFormat() {
    }

    /** The file an event of kind {@code k} is listed in. */
    public static String fileOf(RaceLog.Kind k) {
        return switch (k) {
            case WRITE -> "writes";
            case LANDED, ELSEWHERE -> "allocations";
            case STOLEN -> "stolen";
        };
    }

    /** One event's line, without the newline; tids as {@code viewer} numbers them. */
    public static String line(RaceLog.Event e, PidNamespace viewer) {
        String actor = tid(e.actor(), viewer);
        return e.seq() + switch (e.kind()) {
            case WRITE -> " tid=" + actor + " value=" + e.value();
            case LANDED -> " tid=" + actor + " pid=" + e.value() + " landed";
            case ELSEWHERE -> " tid=" + actor + " pid=" + e.value() + " elsewhere wanted=" + e.wanted() + " cause="
                    + cause(e.cause()) + (e.cause() == RaceLog.Cause.IN_USE ? "" : " by=" + tid(e.other(), viewer));
            case STOLEN -> " pid=" + e.value() + " asked_by=" + tid(e.other(), viewer) + " taken_by=" + actor;
        };
    }

    /** The text of event file {@code file} ({@link #FILES}): the lines of its events, newline-terminated. */
    public static String file(String file, List<RaceLog.Event> events, PidNamespace viewer) {
        StringBuilder b = new StringBuilder();
        for (RaceLog.Event e : events) {
            if (fileOf(e.kind()).equals(file)) b.append(line(e, viewer)).append('\n');
        }
        return b.toString();
    }

    /** {@code taken}, {@code overwritten}, {@code in_use}. */
    public static String cause(RaceLog.Cause c) {
        return c.name().toLowerCase(Locale.ROOT);
    }

    /** The {@code elsewhere} lines of an allocations text. */
    public static List<Elsewhere> parseElsewhere(String allocations) {
        List<Elsewhere> out = new ArrayList<>();
        for (String line : allocations.split("\n")) {
            Matcher m = ELSEWHERE.matcher(line.strip());
            if (m.matches()) {
                out.add(new Elsewhere(Long.parseLong(m.group(1)), m.group(2), Integer.parseInt(m.group(3)),
                        Integer.parseInt(m.group(4)), m.group(5), m.group(6)));
            }
        }
        return out;
    }

    private static String tid(Pid p, PidNamespace viewer) {
        return p == null ? "operator" : Integer.toString(p.nr(viewer));
    }
}
