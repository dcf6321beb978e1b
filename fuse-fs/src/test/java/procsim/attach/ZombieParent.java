package procsim.attach;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;

/**
 * A host process (python3) that forks a child exiting at once and never waits for it: a zombie
 * for as long as the parent lives. (bash -c 'sleep 0 & exec sleep 30' was not one: bash may reap
 * its child before the exec, and a test waiting for that child then waited forever.)
 */
public final class ZombieParent implements AutoCloseable {
    public final Process parent;
    public final int zombie;

    public ZombieParent() throws IOException {
        parent = new ProcessBuilder("python3", "-c",
                "import os, time\npid = os.fork()\nif pid == 0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(30)").start();
        String line = new BufferedReader(new InputStreamReader(parent.getInputStream())).readLine();
        if (line == null) throw new IOException("python3 printed no child pid");
        zombie = Integer.parseInt(line.strip());
    }

    @Override
    public void close() {
        parent.destroyForcibly();
    }
}
