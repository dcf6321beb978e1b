package procsim.procfs;

/** The context of a directory that is not a task's: the tree and who is looking. */
public record ViewDir(ProcFs fs, Viewer viewer) {
}
