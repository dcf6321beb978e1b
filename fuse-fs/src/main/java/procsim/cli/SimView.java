package procsim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import procsim.fuse.FuseMount;
import procsim.fuse.MountTable;

/**
 * What {@code procsim shell} and {@code procsim exec} share: the checks on M and on sim task PID,
 * and the run of CMD in new real mount and pid namespaces, attached as PID, with PID's pid
 * namespace's fixed view bound on /proc (the bash helper {@code shell.bash}): the daemon's own mount
 * of it if there is one, else M's directory of it ({@link FuseMount#viewOf}). Otherwise a client of
 * the mount's public files only: {@code M/PID/ns/pid}, {@code stat}, {@code attach}.
 */
final class SimView {
    /** Thrown with the one line a refusal prints (exit status 1). */
    static final class Refusal extends Exception {
        Refusal(String message) {
            super(message);
        }
    }

    /**
     * Set by bin/procsim for {@code procsim shell}: the file to write the helper's command line to
     * (NUL-terminated words) instead of running it, so that the launcher execs it and no JVM waits
     * in the terminal's process group: HotSpot keeps SIGQUIT for thread dumps, so Ctrl-\ would
     * print one there.
     */
    static final String PLAN_ENV = "PROCSIM_SHELL_PLAN";

    private final String command;
    private final Path mount;

    /** {@code command}: "shell" or "exec", the word after "procsim: " in messages. */
    SimView(String command, Path mountPoint) {
        this.command = command;
        this.mount = mountPoint.toAbsolutePath().normalize();
    }

    Path mount() {
        return mount;
    }

    /** M is a procsim mount and the caller is root, else a refusal. */
    void checkMountAndRoot() throws IOException, Refusal {
        if (MountTable.find(mount).filter(e -> e.isFuse() && e.source().equals("procsim")).isEmpty()) {
            throw new Refusal("no procsim mount at " + mount);
        }
        if (Preflight.effectiveUid() != 0) throw new Refusal("needs root (it makes a mount namespace and a pid namespace)");
    }

    /**
     * Runs {@code argv} attached as live sim task {@code as}, with its namespace's view as /proc;
     * its status. With {@code handOver} and {@link #PLAN_ENV} set, writes the command line there
     * for the launcher to exec instead, and returns 0.
     */
    int run(int as, List<String> argv, boolean handOver) throws IOException, InterruptedException, Refusal {
        Path task = mount.resolve(as + "/task/" + as);
        String nsLink;
        String stat;
        try {
            nsLink = Files.readSymbolicLink(mount.resolve(as + "/ns/pid")).toString();
            stat = Files.readString(task.resolve("stat"));
        } catch (IOException e) {
            throw new Refusal("no sim task " + as + " at " + mount);
        }
        char state = stat.charAt(stat.lastIndexOf(") ") + 2);
        if (state == 'Z' || state == 'X') throw new Refusal("sim task " + as + " has exited");
        Path view = FuseMount.viewOf(mount, Long.parseLong(nsLink.replaceAll("\\D", "")));

        List<String> cmd = new ArrayList<>(List.of("bash", "-c", helper(), "procsim-" + command, mount.toString(),
                Integer.toString(as), view.toString()));
        cmd.addAll(argv);
        String plan = System.getenv(PLAN_ENV);
        if (handOver && plan != null && !plan.isEmpty()) {
            Files.writeString(Path.of(plan), String.join("\0", cmd) + "\0");
            return 0;
        }
        Signals.ignoreWhileChildRuns();
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        return p.waitFor();
    }

    int fail(PrintWriter err, String message) {
        err.println("procsim: " + command + ": " + message);
        err.flush();
        return 1;
    }

    private static String helper() throws IOException {
        try (InputStream in = SimView.class.getResourceAsStream("shell.bash")) {
            if (in == null) throw new IOException("shell.bash is missing from the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
