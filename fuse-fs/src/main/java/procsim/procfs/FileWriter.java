package procsim.procfs;

/** How a writable proc file takes a write: returns the bytes consumed; throws SysError. */
@FunctionalInterface
public interface FileWriter {
    int write(Caller caller, String text, long offset);
}
