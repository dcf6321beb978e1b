package procsim.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code procsim exec M [--as PID] -- PROGRAM [ARGS...]}: {@code procsim shell}'s run (new real
 * mount and pid namespaces, the fixed view on /proc, attached as a sim task) with libprocsim.so
 * preloaded, so PROGRAM's pid calls and forks are the sim's. Without {@code --as}, PROGRAM is a new
 * sim process: the operator forks it from init, makes it a process group of its own and, once
 * PROGRAM has ended, reaps it (killing it first in the sim if it ended without telling the sim,
 * e.g. by a real signal).
 */
@Command(
        name = "exec",
        header = "Run a dynamically linked PROGRAM as a sim process, its pid calls served by the sim (libprocsim.so).",
        description = {
            "As procsim shell (new mount and pid namespaces, the sim tree on /proc), with libprocsim.so "
                    + "in LD_PRELOAD: getpid, gettid, getppid, fork, vfork, wait, waitpid, wait4, waitid, exit, "
                    + "_exit, kill, killpg, setsid, setpgid, getpgid, getsid, syscall(SYS_getpid/gettid/getppid/clone/clone3), "
                    + "pthread_create, unshare, setuid, "
                    + "capget, capset, getuid, geteuid, prctl(PR_SET_NAME/PR_GET_NAME) and the SysV msg, sem "
                    + "and shm calls (shmat with real shared memory) go to the sim through "
                    + "/proc/procsim/syscall; every other call is the real kernel's. Without --as, "
                    + "PROGRAM runs as a new sim process forked from init, in a process group of its own, "
                    + "as a job-control shell runs a command.",
            "",
            "A statically linked PROGRAM (no PT_INTERP) is refused: nothing can be preloaded into it.",
            "The shim is shim/build/libprocsim.so beside the jar's build tree (make shim), or $PROCSIM_SHIM.",
        },
        footer = {
            "Examples:",
            "  procsim exec /tmp/p -- bash -c 'sleep 1 & echo $$ $!'",
            "  procsim exec /tmp/p --as 3 -- python3 -c 'import os; print(os.getpid())'",
            "",
            "Exit status:",
            "  PROGRAM's exit status",
            "  1    no procsim mount at M, no sim task PID, PID has exited, not root, no such PROGRAM,",
            "       a static PROGRAM, the shim not built",
            "  2    bad usage",
            "  125  the namespaces could not be made or the attach failed (one line says which)",
        })
final class ExecCommand implements Callable<Integer> {
    private static final int PT_INTERP = 3;

    @Option(names = "--as", paramLabel = "PID",
            description = "The sim task to act as, numbered as the operator sees it (default: a new child of init).")
    Integer as;

    @Parameters(index = "1..*", paramLabel = "PROGRAM", arity = "1..*", description = "The program and its arguments.")
    List<String> command = new ArrayList<>();

    @Mixin
    ViewCommandStyle view;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (as != null) view.checkAs(as);
        SimView sim = view.simView();
        try {
            sim.checkMountAndRoot();
            Path shim = shim();
            checkDynamic(command.get(0));
            List<String> argv = new ArrayList<>(List.of("env", "LD_PRELOAD=" + shim, "PROCSIM_SHIM_PID=1")); // PROGRAM: its namespace's pid 1
            if (as == null) argv.add("PROCSIM_SHIM_JOB=1"); // its task leads a group of its own: so may its real process
            argv.addAll(command);
            if (as != null) return sim.run(as, argv, false);
            Path init = sim.mount().resolve("1/task/1/syscall");
            int child;
            try {
                child = Integer.parseInt(syscall(init, "fork").strip());
            } catch (IOException | NumberFormatException e) {
                throw new SimView.Refusal("init cannot fork PROGRAM's task: " + e.getMessage());
            }
            try {
                // a job of its own, as a job-control shell runs a command: PROGRAM's kill(0) stays in its tree
                String pgid = syscall(init, "setpgid " + child + " 0").strip();
                if (!pgid.equals("0")) throw new SimView.Refusal("init cannot put PROGRAM's task in a process group: " + pgid);
                return sim.run(child, argv, false);
            } finally {
                reap(sim.mount(), init, child);
            }
        } catch (SimView.Refusal r) {
            return sim.fail(view.err(), r.getMessage());
        }
    }

    /** PROGRAM's sim process, forked by the operator from init, is init's to reap once PROGRAM ended. */
    private static void reap(Path m, Path init, int child) {
        try {
            String stat = Files.readString(m.resolve(child + "/stat"));
            if (stat.charAt(stat.lastIndexOf(") ") + 2) != 'Z') syscall(init, "kill " + child + " SIGKILL");
            syscall(init, "wait4 " + child);
        } catch (IOException e) {
            // already reaped (by an operator's wait4 meanwhile), or the mount is gone: nothing to reap
        }
    }

    /** One line written to a syscall file and its reply read on the same open file. */
    private static String syscall(Path file, String line) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)), 0);
            ByteBuffer reply = ByteBuffer.allocate(4096);
            ch.read(reply, 0);
            return new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8);
        }
    }

    private static Path shim() throws SimView.Refusal {
        String env = System.getenv("PROCSIM_SHIM");
        Path shim;
        if (env != null && !env.isBlank()) {
            shim = Path.of(env);
        } else {
            try {
                Path jar = Path.of(ExecCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                shim = jar.resolveSibling("libprocsim.so"); // installed: PREFIX/share/procsim
                if (!Files.exists(shim)) shim = jar.getParent().getParent().getParent().resolve("shim/build/libprocsim.so");
            } catch (Exception e) {
                throw new SimView.Refusal("cannot locate libprocsim.so: set PROCSIM_SHIM");
            }
        }
        if (!Files.isReadable(shim)) throw new SimView.Refusal("libprocsim.so is missing: " + shim + " (run 'make shim' in the repository, or set PROCSIM_SHIM)");
        return shim.toAbsolutePath().normalize();
    }

    /** PROGRAM, found as execvp(3) does, must be a dynamically linked ELF (or a script whose interpreter is one). */
    static void checkDynamic(String program) throws IOException, SimView.Refusal {
        Path file = which(program);
        if (file == null) throw new SimView.Refusal("no such program: " + program);
        for (int depth = 0; depth < 4; depth++) {
            byte[] head;
            try (var in = Files.newInputStream(file)) {
                head = in.readNBytes(256);
            }
            if (head.length > 2 && head[0] == '#' && head[1] == '!') {
                String line = new String(head, 2, head.length - 2, StandardCharsets.ISO_8859_1).split("\n", 2)[0].strip();
                if (line.isEmpty()) return;
                file = Path.of(line.split("\\s+")[0]);
                continue;
            }
            if (head.length < 4 || head[0] != 0x7f || head[1] != 'E' || head[2] != 'L' || head[3] != 'F') return;
            if (!hasInterp(file)) {
                throw new SimView.Refusal(program + " is statically linked (no PT_INTERP): the shim cannot be preloaded into it");
            }
            return;
        }
    }

    /** Whether the ELF file's program headers include PT_INTERP (the dynamic loader's path). */
    static boolean hasInterp(Path elf) throws IOException {
        try (FileChannel ch = FileChannel.open(elf, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(64);
            ch.read(h, 0);
            boolean is64 = h.get(4) == 2;
            h.order(h.get(5) == 2 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
            long phoff = is64 ? h.getLong(0x20) : Integer.toUnsignedLong(h.getInt(0x1c));
            int phentsize = Short.toUnsignedInt(h.getShort(is64 ? 0x36 : 0x2a));
            int phnum = Short.toUnsignedInt(h.getShort(is64 ? 0x38 : 0x2c));
            ByteBuffer ph = ByteBuffer.allocate(4).order(h.order());
            for (int i = 0; i < phnum; i++) {
                ph.clear();
                if (ch.read(ph, phoff + (long) i * phentsize) < 4) return false;
                if (ph.getInt(0) == PT_INTERP) return true;
            }
            return false;
        }
    }

    /** PROGRAM as execvp(3) finds it (a name with a slash as given), or null. */
    static Path which(String program) {
        if (program.contains("/")) return Files.isRegularFile(Path.of(program)) ? Path.of(program) : null;
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }
}
