package procsim.ipc;

/** How a blocking IPC call waits: releases the kernel lock until a change (or EINTR). */
@FunctionalInterface
public interface Blocker {
    void block() throws InterruptedException;
}
