package procsim.kernel;

import procsim.abi.Errno;
import procsim.abi.Strtol;

/**
 * How an int sysctl parses a write (kernel/sysctl.c {@code __do_proc_dointvec},
 * {@code proc_get_long}, {@code strtoul_lenient}, {@code do_proc_dointvec_conv}): at most
 * PAGE_SIZE - 1 bytes are looked at; leading isspace() blanks are skipped; then one optional
 * '-' (no '+'), a digit, and the number in base 0 ({@code 0x} hex, a leading 0 octal, else
 * decimal). EINVAL when the number overflows an unsigned long, spans 21 characters or more
 * (TMPBUFLEN - 1, sign included), is followed by anything but ' ', '\t' or '\n', or does not fit
 * an int. Only the first value is used: {@code consumed}, the number and the blanks after it, is
 * what write(2) returns ("44 45" gives 3), and the rest of the write is then ignored.
 * Deviation: for a write longer than 4095 bytes Linux returns the count less what was left of
 * the 4095 bytes it looked at; the sim returns what it consumed.
 */
public record SysctlInt(int value, int consumed) {
    /** PAGE_SIZE - 1: what __do_proc_dointvec looks at of one write. */
    static final int MAX_PARSED = 4095;
    /** TMPBUFLEN - 1: proc_get_long refuses a number this long (it cannot see what follows). */
    private static final int MAX_NUMBER_CHARS = 21;

    public static SysctlInt parse(String text) {
        int n = Math.min(text.length(), MAX_PARSED);
        int i = skipSpaces(text, 0, n);
        if (i == n) throw Errno.EINVAL.error();
        int start = i;
        boolean negative = text.charAt(i) == '-' && n - i > 1;
        if (negative) i++;
        if (!isDigit(text, i, n)) throw Errno.EINVAL.error();
        int base = 10;
        if (text.charAt(i) == '0') {
            // _parse_integer_fixup_radix
            if (i + 2 < n && (text.charAt(i + 1) | 0x20) == 'x' && Strtol.digit(text.charAt(i + 2), 16) >= 0) {
                base = 16;
                i += 2;
            } else {
                base = 8;
            }
        }
        long v = 0; // as an unsigned long
        for (; i < n; i++) {
            int d = Strtol.digit(text.charAt(i), base);
            if (d < 0) break;
            if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, base)) > 0) throw Errno.EINVAL.error();
            v = v * base + d;
            if (i + 1 - start >= MAX_NUMBER_CHARS) throw Errno.EINVAL.error();
        }
        if (i < n && " \t\n".indexOf(text.charAt(i)) < 0) throw Errno.EINVAL.error();
        // do_proc_dointvec_conv: -(INT_MAX + 1) .. INT_MAX
        if (Long.compareUnsigned(v, negative ? (long) Integer.MAX_VALUE + 1 : Integer.MAX_VALUE) > 0) {
            throw Errno.EINVAL.error();
        }
        return new SysctlInt((int) (negative ? -v : v), skipSpaces(text, i, n));
    }

    private static boolean isDigit(String s, int i, int n) {
        return i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9';
    }

    /** isspace() of the kernel's ctype: ' ', \t, \n, \v, \f, \r. */
    private static int skipSpaces(String s, int i, int n) {
        while (i < n && " \t\n\u000b\f\r".indexOf(s.charAt(i)) >= 0) i++;
        return i;
    }
}
