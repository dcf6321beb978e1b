package procsim.restorer;

/**
 * A syscall file's reply, or a write's outcome: {@code value} and {@code text} as the file reads
 * ({@code 500}, {@code 0 subreaper=1}), or the errno name of a failure ({@code EEXIST}) with
 * {@code value} -1.
 */
public record Reply(long value, String errno, String text) {
    /** A write that succeeded, whose reply was not read. */
    public static final Reply DONE = new Reply(0, null, "");

    /** A success with {@code value}, as a dry run assumes it. */
    public static Reply of(long value) {
        return new Reply(value, null, Long.toString(value));
    }

    /** A write's outcome: {@link #DONE}, or the failure with errno {@code name} if not null. */
    public static Reply written(String name) {
        return name == null ? DONE : error(name);
    }

    /** A failure with errno {@code name}. */
    public static Reply error(String name) {
        return new Reply(-1, name, "-1 " + name);
    }

    /**
     * The reply a syscall file reads: {@code -1 ERRNO}, else a number and maybe {@code key=value}
     * pairs. {@code writeErrno}: the errno the write itself failed with, or null. A write that failed
     * with no {@code -1 ERRNO} to read (refused before the syscall was made, or interrupted) leaves
     * the file reading the reply before it: the text names the errno, and that reply as the last.
     */
    public static Reply parse(String text, String writeErrno) {
        String t = text.strip();
        if (t.startsWith("-1 ")) return new Reply(-1, t.substring(3).strip(), t);
        if (writeErrno != null) return new Reply(-1, writeErrno, "-1 " + writeErrno + (t.isEmpty() ? "" : " (the last reply: " + t + ")"));
        int sp = t.indexOf(' ');
        try {
            return new Reply(Long.parseLong(sp < 0 ? t : t.substring(0, sp)), null, t);
        } catch (NumberFormatException e) {
            return new Reply(-1, "EIO", t);
        }
    }

    public boolean failed() {
        return errno != null;
    }

    /** The words after the value ({@code mtype=1 text=x} of {@code 6 mtype=1 text=x}). */
    public String rest() {
        int sp = text.indexOf(' ');
        return sp < 0 ? "" : text.substring(sp + 1);
    }
}
