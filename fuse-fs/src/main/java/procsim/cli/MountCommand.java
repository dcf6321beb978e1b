package procsim.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import procsim.attach.LinuxHostProcesses;
import procsim.fuse.FuseMount;
import procsim.fuse.MountTable;
import procsim.fuse.PidfdHostProcesses;
import procsim.fuse.ProcFuse;
import procsim.fuse.Warmup;
import procsim.pid.PidNamespace;
import procsim.procfs.ProcFs;
import procsim.procfs.ProcTree;
import procsim.procfs.TreeDescription;

/**
 * {@code procsim mount M}: boots a sim kernel and serves its proc tree at {@code M} in the
 * foreground until Ctrl-C, SIGTERM or {@code umount M}; then exits 0.
 */
@Command(
        name = "mount",
        mixinStandardHelpOptions = true,
        versionProvider = ProcsimCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        header = "Boot a simulated kernel and serve its /proc tree at M until unmounted.",
        descriptionHeading = "%nDescription:%n",
        description = {
            "Boots a sim kernel (one task, init: pid 1 in the root pid namespace, uid 0 with every "
                    + "capability, fds 0-2 on /dev/console) and mounts its proc tree at M with FUSE. "
                    + "Stays in the foreground until Ctrl-C (SIGINT), SIGTERM or 'umount M'; "
                    + "each of them unmounts and ends the daemon with status 0.",
            "",
            "When the mount is live, one line 'procsim: mounted at M' goes to stderr. A script that "
                    + "starts the daemon in the background should wait for the mount itself: "
                    + "'until mountpoint -q M; do sleep 0.1; done' (or see shell-tests/lib/procsim.bash). "
                    + "A background job of a script ignores SIGINT: stop it with SIGTERM or umount.",
            "",
            "M must be an existing empty directory: a missing M is an error, not created, as with "
                    + "mount(8) (so a typo does not mount somewhere unexpected); 'make run' creates ./mnt. "
                    + "If M is a stale FUSE mount left by a killed daemon (\"Transport endpoint is not "
                    + "connected\"), it is detached first (umount -l) with one line on stderr. If M is a "
                    + "live mount, mount fails.",
            "",
            "Every request is answered as the real thread that makes it: an unattached caller is the "
                    + "operator and sees the root pid namespace; a real process attached to a sim thread "
                    + "(echo $BASHPID > M/PID/task/TID/attach), and its real children, act as that thread.",
        },
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%n",
        modelTransformer = MountCommand.TreeFooter.class,
        footer = {
            "Examples:",
            "  mkdir -p /tmp/p && procsim mount /tmp/p &    # or: make run (mounts ./mnt)",
            "  cat /tmp/p/1/status",
            "  echo fork > /tmp/p/1/task/1/syscall          # init forks",
            "  cat /tmp/p/1/task/1/syscall                  # the child's pid",
            "  echo 'LONG1 500' > /tmp/p/1/task/1/next_syscall_data",
            "  echo fork > /tmp/p/1/task/1/syscall          # the child gets pid 500",
            "  exec 3<> /tmp/p/1/task/1/syscall             # write and read on one fd:",
            "  echo 'clone3 set_tid=700' >&3; read -r r <&3 # r=700",
            "  cat /tmp/p/sys/kernel/ns_last_pid",
            "  umount /tmp/p                                # the daemon exits 0",
            "",
            "A failed write fails with the syscall's errno, so bash prints e.g. 'write error: "
                    + "Device or resource busy' and $? is 1. With --debug the daemon logs one line "
                    + "per failure: 'write /1/task/1/syscall: EBUSY'.",
            "",
            "Environment:",
            "  PROCSIM_LOG        daemon log level: error, warn, info (default), debug, trace",
            "  PROCSIM_JAVA_OPTS  JVM flags for bin/procsim (default: small heap, serial GC)",
            "",
            "Exit status:",
            "  0  unmounted by Ctrl-C, SIGTERM or umount",
            "  1  could not mount: M missing, not a directory, not empty or already",
            "     mounted; no /dev/fuse, no access to it or no libfuse2 (see",
            "     'procsim check'); the sim kernel would not boot",
            "  2  bad usage: missing M, a bad --pid-max or --warmup-rounds",
        })
final class MountCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(MountCommand.class);

    @Parameters(index = "0", paramLabel = "M", description = "The mountpoint: an existing empty directory.")
    Path mountPoint;

    @Option(names = "--pid-max", paramLabel = "N", defaultValue = "" + PidNamespace.PID_MAX_DEFAULT,
            converter = PidMaxConverter.class,
            description = "pid_max of the sim kernel, as /proc/sys/kernel/pid_max: pids are 1..N-1 "
                    + "(default ${DEFAULT-VALUE}; Linux's limits " + PidNamespace.PID_MAX_MIN + ".." + PidNamespace.PID_MAX_LIMIT
                    + "; parsed as a write to pid_max is: 4096, 0x1000 or 010000).")
    int pidMax;

    @Option(names = "--warmup-rounds", paramLabel = "N", defaultValue = "" + Warmup.DEFAULT_ROUNDS,
            description = "Before mounting, run the common request paths N times on a scratch tree, so "
                    + "the JVM has compiled them before the first burst of requests (default "
                    + "${DEFAULT-VALUE}, ~0.15 s; 0 skips it).")
    int warmupRounds;

    @Mixin
    LoggingOptions logging = new LoggingOptions();

    @Spec
    CommandLine.Model.CommandSpec spec;

    /** The preflight probes; tests replace them. */
    Preflight.Host host = Preflight.LINUX;

    private final AtomicBoolean stopRequested = new AtomicBoolean();

    @Override
    public Integer call() {
        try {
            return mountAndServe();
        } finally {
            MountLock.release();
        }
    }

    private int mountAndServe() {
        logging.apply();
        if (warmupRounds < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--warmup-rounds': " + warmupRounds + " is negative");
        }
        PrintWriter err = spec.commandLine().getErr();
        Path m;
        try {
            m = canonical(mountPoint);
        } catch (IOException e) {
            return fail(err, "cannot resolve " + mountPoint + ": " + e.getMessage());
        }

        MountLock.Result lock = MountLock.acquire(m);
        if (lock instanceof MountLock.Busy busy) {
            return fail(err, alreadyMounted(m, "procsim" + busy.pid().stream().mapToObj(p -> ", pid " + p)
                    .findFirst().orElse("")));
        }
        if (lock instanceof MountLock.Unavailable no) {
            log.debug("no mountpoint lock ({}): the mount table alone guards {}", no.why(), m);
        }
        switch (FuseMount.clearStale(m)) {
            case STALE_CLEARED -> log.info("{} was a stale FUSE mount (Transport endpoint is not connected: "
                    + "its daemon was killed); detached it with umount -l", m);
            case STALE_LEFT -> {
                return fail(err, m + " is a stale FUSE mount (Transport endpoint is not connected) and "
                        + "'umount -l " + m + "' failed: clear it by hand");
            }
            case LIVE -> {
                String what = MountTable.find(m).map(e -> e.source().equals(ProcFuse.FS_NAME) && e.isFuse()
                        ? "procsim" : "type " + e.fsType()).orElse("type ?");
                return fail(err, alreadyMounted(m, what));
            }
            case NOT_MOUNTED -> {
            }
        }
        String problem = checkMountPoint(m);
        if (problem != null) {
            return fail(err, problem);
        }
        Preflight.Report preflight = Preflight.probe(host, Preflight.FUSE_DEVICE);
        if (preflight.mountBlocked()) {
            preflight.problems().stream().filter(Preflight.Problem::blocksMount)
                    .forEach(p -> err.println("procsim: " + p.line()));
            err.flush();
            return 1;
        }

        ProcTree tree;
        try {
            tree = ProcFs.boot(pidMax, PidfdHostProcesses.over(new LinuxHostProcesses()));
        } catch (RuntimeException e) {
            log.debug("boot failed", e);
            return fail(err, "could not boot the sim kernel (--pid-max " + pidMax + "): " + e.getMessage());
        }

        FuseMount mount = new FuseMount(tree, m);
        Signals.onStop(name -> {
            stopRequested.set(true);
            if (!mount.isServing()) {
                return; // not mounted yet: the main thread stops after start()
            }
            stop(mount, name);
        });
        Runtime.getRuntime().addShutdownHook(new Thread(() -> mount.unmount(Duration.ofSeconds(5)), "procsim-unmount"));
        warmUp(); // after the signal handlers: a SIGTERM meanwhile still ends in a clean exit 0

        try {
            mount.start(Duration.ofSeconds(30));
        } catch (IOException e) {
            return fail(err, "cannot mount at " + m + ": " + e.getMessage());
        }
        err.println("procsim: mounted at " + m);
        err.flush();
        log.debug("mounted at {} with -o {}, pid_max {}", m, FuseMount.OPTIONS, pidMax);
        if (stopRequested.get()) {
            stop(mount, "signal");
        }

        Throwable end;
        try {
            end = mount.awaitEnd();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            mount.unmount(Duration.ofSeconds(5));
            return 1;
        }
        if (end != null) {
            log.error("the FUSE loop for {} ended with {}", m, end.toString());
            return 1;
        }
        err.println("procsim: unmounted " + m);
        err.flush();
        return 0;
    }

    /** A failed warm-up costs only speed: it is logged, and the mount goes on. */
    private void warmUp() {
        long t0 = System.nanoTime();
        try {
            Warmup.run(warmupRounds, PidfdHostProcesses.over(new LinuxHostProcesses()));
        } catch (RuntimeException e) {
            log.warn("the warm-up failed (the mount works, only slower at first): {}", e.toString());
            return;
        }
        log.debug("warm-up: {} rounds in {} ms", warmupRounds, (System.nanoTime() - t0) / 1_000_000);
    }

    /** On SIGINT or SIGTERM: unmount; the main thread then sees the FUSE loop end and exits 0. */
    private static void stop(FuseMount mount, String signal) {
        log.info("{}: unmounting {}", signal, mount.mountPoint());
        if (!mount.unmount(Duration.ofSeconds(10))) {
            // Detached lazily but still held open by someone: exiting closes /dev/fuse, which ends
            // the connection (those open files then fail with ENOTCONN).
            boolean gone = MountTable.find(mount.mountPoint()).isEmpty();
            log.warn("{}: exiting with files still open in the detached mount", mount.mountPoint());
            System.exit(gone ? 0 : 1);
        }
    }

    /** Absolute, normalized, with symlinks in the parent resolved; M itself is not stat'ed (it may be stale). */
    static Path canonical(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        Path parent = abs.getParent();
        if (parent == null || abs.getFileName() == null) {
            return abs;
        }
        if (Files.isDirectory(parent)) {
            return parent.toRealPath().resolve(abs.getFileName());
        }
        return abs;
    }

    /** Why {@code m} cannot be mounted on, or null if it can. */
    static String checkMountPoint(Path m) {
        if (m.getParent() == null) {
            return "refusing to mount over /";
        }
        if (!Files.exists(m, LinkOption.NOFOLLOW_LINKS)) {
            return "mountpoint " + m + " does not exist (create it: mkdir -p " + m + ")";
        }
        if (!Files.isDirectory(m)) {
            return "mountpoint " + m + " is not a directory";
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(m)) {
            if (entries.iterator().hasNext()) {
                return "mountpoint " + m + " is not empty";
            }
        } catch (IOException e) {
            return "cannot read mountpoint " + m + ": " + e.getMessage();
        }
        return null;
    }

    private static String alreadyMounted(Path m, String what) {
        return m + " is already mounted (" + what + "): umount it first ('umount " + m + "')";
    }

    /**
     * The footer opens with the tree's description, made from its one home ({@link TreeDescription});
     * a model transformer, so the man page, made from the annotations alone, has it too.
     */
    static final class TreeFooter implements CommandLine.IModelTransformer {
        @Override
        public CommandLine.Model.CommandSpec transform(CommandLine.Model.CommandSpec spec) {
            List<String> footer = new ArrayList<>();
            TreeDescription.lines().forEach(line -> footer.add(line.replace("%", "%%"))); // picocli formats the footer
            footer.add("");
            footer.addAll(List.of(spec.usageMessage().footer()));
            spec.usageMessage().footer(footer.toArray(String[]::new));
            return spec;
        }
    }

    private static int fail(PrintWriter err, String message) {
        err.println("procsim: " + message);
        err.flush();
        return 1;
    }
}
