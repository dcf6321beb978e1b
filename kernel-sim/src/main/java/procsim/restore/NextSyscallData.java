package procsim.restore;

import java.util.Arrays;

import procsim.abi.Errno;
import procsim.abi.Strtol;

/**
 * A thread's pending {@code next_syscall_data} (the 2008 seed patch, N. Derbey): {@code LONG<n>}
 * values that the thread's next supporting syscall consumes. Immutable.
 */
public final class NextSyscallData {
    /** procsim allows n up to the deepest pid nesting (the patch had NDATA = 1). */
    public static final int MAX_VALUES = 32;

    private final long[] values;

    private NextSyscallData(long[] values) {
        this.values = values;
    }

    public static NextSyscallData of(long... values) {
        if (values.length < 1 || values.length > MAX_VALUES) throw Errno.EINVAL.error();
        return new NextSyscallData(values.clone());
    }

    /**
     * Parses a write: {@code LONG<n> v1 ... vn} or {@code RESET} (returns null), blanks between
     * words, one trailing newline allowed. Anything else is EINVAL.
     */
    public static NextSyscallData parse(String text) {
        String t = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
        String[] w = t.strip().split("[ \t]+");
        if (w.length == 1 && w[0].equals("RESET")) return null;
        if (w[0].length() <= 4 || !w[0].startsWith("LONG")) throw Errno.EINVAL.error();
        long n = Strtol.parse(w[0].substring(4));
        if (n < 1 || n > MAX_VALUES || w.length != n + 1) throw Errno.EINVAL.error();
        long[] v = new long[(int) n];
        for (int i = 0; i < n; i++) v[i] = Strtol.parse(w[i + 1]);
        return new NextSyscallData(v);
    }

    public int count() {
        return values.length;
    }

    public long value(int i) {
        return values[i];
    }

    public long[] values() {
        return values.clone();
    }

    /** The read format: {@code LONG<n> v1 ... vn}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("LONG").append(values.length);
        for (long v : values) sb.append(' ').append(v);
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NextSyscallData d && Arrays.equals(values, d.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }
}
