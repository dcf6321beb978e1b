package procsim.race.live;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import procsim.race.RaceEvidence;

/**
 * procsim's race evidence for one pid namespace as the mount serves it, read by the operator:
 * {@code M/procsim/pidns/<inum>/summary} ({@code writes N / landed N / elsewhere N / stolen N},
 * counters since boot) and {@code allocations} ({@code SEQ tid=T pid=N landed}, or
 * {@code SEQ tid=T pid=N elsewhere wanted=W cause=taken|overwritten|in_use [by=T2]}), tids as the
 * root namespace numbers them. {@link #check} matches a run's misses against the
 * {@code elsewhere} lines.
 */
final class RaceEvidenceFiles {
    /** The summary's four counters. */
    record Summary(long writes, long landed, long elsewhere, long stolen) {
        Summary minus(Summary before) {
            return new Summary(writes - before.writes, landed - before.landed, elsewhere - before.elsewhere,
                    stolen - before.stolen);
        }
    }

    /** One {@code elsewhere} line of the allocations file. */
    record Elsewhere(long seq, String tid, int pid, int wanted, String cause, String by) {
    }

    private static final Pattern ELSEWHERE = Pattern.compile(
            "(\\d+) tid=(\\S+) pid=(\\d+) elsewhere wanted=(\\d+) cause=(\\w+)(?: by=(\\S+))?");

    private final Path dir;

    /** The evidence directory of the pid namespace with nsfs inode {@code inum}. */
    RaceEvidenceFiles(Path mount, long inum) {
        this.dir = mount.resolve("procsim/pidns/" + inum);
    }

    Path dir() {
        return dir;
    }

    Summary summary() throws IOException {
        return parseSummary(Files.readString(dir.resolve("summary")));
    }

    String read(String file) throws IOException {
        return Files.readString(dir.resolve(file));
    }

    static Summary parseSummary(String text) {
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

    /** The {@code elsewhere} lines of an allocations text. */
    static List<Elsewhere> parseElsewhere(String allocations) {
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

    /**
     * The evidence of a run: the counters' change ({@code after - before}) and each miss matched
     * to one elsewhere line with the same thread (root tid), pid got and pid wanted; a line
     * accounts for one miss only.
     */
    static RaceEvidence check(Summary before, Summary after, List<Elsewhere> lines, List<RaceWorker.Miss> misses) {
        Summary d = after.minus(before);
        Map<String, List<Elsewhere>> byKey = new HashMap<>();
        for (Elsewhere e : lines) byKey.computeIfAbsent(e.tid() + " " + e.pid() + " " + e.wanted(),
                k -> new ArrayList<>()).add(e);
        long accounted = 0;
        Map<String, Long> causes = new TreeMap<>();
        for (RaceWorker.Miss m : misses) {
            List<Elsewhere> c = byKey.get(m.rootTid() + " " + m.got() + " " + m.wanted());
            if (c == null || c.isEmpty()) continue;
            Elsewhere e = c.remove(0);
            accounted++;
            causes.merge(e.cause(), 1L, Long::sum);
        }
        return new RaceEvidence(d.writes(), d.landed(), d.elsewhere(), d.stolen(), accounted, causes);
    }
}
