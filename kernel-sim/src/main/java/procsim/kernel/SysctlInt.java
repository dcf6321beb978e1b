package procsim.kernel;

import procsim.abi.Errno;

/**
 * How an int sysctl parses a write (kernel/sysctl.c {@code __do_proc_dointvec}, proc_get_long):
 * leading blanks skipped, one optional sign, decimal digits, then a blank, a newline or the end.
 * Only the first value is used; {@code consumed}, the number and the blanks after it, is what
 * write(2) returns ("44 45" gives 3).
 */
public record SysctlInt(long value, int consumed) {
    public static SysctlInt parse(String text) {
        int i = 0;
        int n = text.length();
        while (i < n && Character.isWhitespace(text.charAt(i))) i++;
        int start = i;
        if (i < n && (text.charAt(i) == '-' || text.charAt(i) == '+')) i++;
        int digits = i;
        while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') i++;
        if (i == digits || i - digits > 19) throw Errno.EINVAL.error();
        if (i < n && !Character.isWhitespace(text.charAt(i))) throw Errno.EINVAL.error();
        long v = Long.parseLong(text.substring(text.charAt(start) == '+' ? start + 1 : start, i));
        while (i < n && Character.isWhitespace(text.charAt(i))) i++;
        return new SysctlInt(v, i);
    }
}
