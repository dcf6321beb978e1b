package procsim.task;

/** The states procsim's tasks take, with the letters and words of fs/proc/array.c. */
public enum TaskState {
    SLEEPING("S (sleeping)"),
    STOPPED("T (stopped)"),
    ZOMBIE("Z (zombie)"),
    DEAD("X (dead)");

    private final String text;

    TaskState(String text) {
        this.text = text;
    }

    /** The status line's State value, e.g. {@code S (sleeping)}. */
    public String text() {
        return text;
    }

    /** The stat file's state letter. */
    public char letter() {
        return text.charAt(0);
    }
}
