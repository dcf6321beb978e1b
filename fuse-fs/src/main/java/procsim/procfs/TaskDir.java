package procsim.procfs;

import procsim.task.Task;

/**
 * The context of a {@code <pid>} or {@code task/<tid>} directory: the tree, who is looking and
 * the task it shows ({@code perThread} for task/<tid>).
 */
public record TaskDir(ProcFs fs, Viewer viewer, Task task, boolean perThread) {
}
