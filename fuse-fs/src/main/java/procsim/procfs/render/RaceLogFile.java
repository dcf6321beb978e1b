package procsim.procfs.render;

import java.util.List;
import java.util.function.Predicate;

import procsim.pid.Pid;
import procsim.pid.PidNamespace;
import procsim.race.RaceLog;

/**
 * procsim's race evidence files (no Linux counterpart), one line per event, oldest first:
 * <pre>
 * writes:      SEQ tid=T value=V
 * allocations: SEQ tid=T pid=N landed
 *              SEQ tid=T pid=N elsewhere wanted=W cause=taken|overwritten|in_use [by=T2]
 * stolen:      SEQ pid=N asked_by=T2 taken_by=T
 * summary:     writes N / landed N / elsewhere N / stolen N
 * </pre>
 * Thread ids are as the reader's namespace sees them (0 if not visible there), {@code operator}
 * for the unattached operator.
 */
public final class RaceLogFile {
    private RaceLogFile() {
    }

    public static String summary(long writes, long landed, long elsewhere, long stolen) {
        return "writes " + writes + "\nlanded " + landed + "\nelsewhere " + elsewhere + "\nstolen " + stolen + "\n";
    }

    public static String writes(List<RaceLog.Event> events, PidNamespace viewer) {
        return render(events, e -> e.kind() == RaceLog.Kind.WRITE, viewer);
    }

    public static String allocations(List<RaceLog.Event> events, PidNamespace viewer) {
        return render(events, e -> e.kind() == RaceLog.Kind.LANDED || e.kind() == RaceLog.Kind.ELSEWHERE, viewer);
    }

    public static String stolen(List<RaceLog.Event> events, PidNamespace viewer) {
        return render(events, e -> e.kind() == RaceLog.Kind.STOLEN, viewer);
    }

    private static String render(List<RaceLog.Event> events, Predicate<RaceLog.Event> which, PidNamespace v) {
        StringBuilder b = new StringBuilder();
        for (RaceLog.Event e : events) {
            if (!which.test(e)) continue;
            b.append(e.seq());
            switch (e.kind()) {
                case WRITE -> b.append(" tid=").append(tid(e.actor(), v)).append(" value=").append(e.value());
                case LANDED -> b.append(" tid=").append(tid(e.actor(), v)).append(" pid=").append(e.value()).append(" landed");
                case ELSEWHERE -> {
                    b.append(" tid=").append(tid(e.actor(), v)).append(" pid=").append(e.value())
                            .append(" elsewhere wanted=").append(e.wanted())
                            .append(" cause=").append(e.cause().name().toLowerCase());
                    if (e.cause() != RaceLog.Cause.IN_USE) b.append(" by=").append(tid(e.other(), v));
                }
                case STOLEN -> b.append(" pid=").append(e.value()).append(" asked_by=").append(tid(e.other(), v))
                        .append(" taken_by=").append(tid(e.actor(), v));
            }
            b.append('\n');
        }
        return b.toString();
    }

    private static String tid(Pid p, PidNamespace viewer) {
        return p == null ? "operator" : Integer.toString(p.nr(viewer));
    }
}
