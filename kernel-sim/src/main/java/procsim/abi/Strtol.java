package procsim.abi;

/**
 * The kernel's {@code simple_strtol(s, &end, 0)}: an optional '-', then base 0 detection
 * ({@code 0x} hex, a leading {@code 0} octal, else decimal), then the digits of that base.
 * procsim accepts a word only when it is consumed whole: "junk after a number" is EINVAL.
 * Deviation: a value that overflows a long is EINVAL (simple_strtol wraps silently).
 */
public final class Strtol {
    private Strtol() {
    }

    /** Parses a whole word; EINVAL if it is empty, has junk after the number, or overflows. */
    public static long parse(String word) {
        return parse(word, false);
    }

    /**
     * Parses a whole word as a 64-bit word (a sigset_t's): unsigned up to 2^64-1
     * ({@code 0x8000000000000000} is bit 63), a negative one as its two's complement.
     */
    public static long parseWord(String word) {
        return parse(word, true);
    }

    private static long parse(String word, boolean unsigned) {
        int i = 0;
        int to = word.length();
        boolean negative = false;
        if (i < to && word.charAt(i) == '-') {
            negative = true;
            i++;
        }
        int base = 10;
        if (i < to && word.charAt(i) == '0') {
            if (i + 2 < to && (word.charAt(i + 1) | 0x20) == 'x' && digit(word.charAt(i + 2), 16) >= 0) {
                base = 16;
                i += 2;
            } else {
                base = 8;
            }
        }
        if (i == to) throw Errno.EINVAL.error();
        boolean wide = unsigned && !negative;
        long v = 0;
        try {
            for (; i < to; i++) {
                int d = digit(word.charAt(i), base);
                if (d < 0) throw Errno.EINVAL.error();
                if (!wide) {
                    v = Math.addExact(Math.multiplyExact(v, base), d);
                } else if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, base)) > 0) {
                    throw new ArithmeticException(); // past 2^64 - 1
                } else {
                    v = v * base + d;
                }
            }
        } catch (ArithmeticException e) {
            throw Errno.EINVAL.error();
        }
        return negative ? -v : v;
    }

    /** The value of an ASCII digit in {@code base}, else -1 (the kernel's ctype is ASCII). */
    public static int digit(char c, int base) {
        return c < 0x80 ? Character.digit(c, base) : -1;
    }

    /** Parses a whole word that must fit an int (a pid, an id, a count). */
    public static int parseInt(String word) {
        long v = parse(word);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) throw Errno.EINVAL.error();
        return (int) v;
    }
}
