package procsim.pid;

import java.util.Arrays;

/**
 * The set of numbers in use in one pid namespace, like the IDR's bitmap: O(1) set, clear and
 * test, and a word-at-a-time search. (java.util.BitSet's clear rescans down to the highest set
 * word, which made every exit cost O(cursor / 64) near a high cursor.)
 */
final class PidBitmap {
    private long[] words = new long[8];

    boolean get(int nr) {
        int w = nr >>> 6;
        return w < words.length && (words[w] & (1L << nr)) != 0;
    }

    void set(int nr) {
        int w = nr >>> 6;
        if (w >= words.length) words = Arrays.copyOf(words, Math.max(words.length * 2, w + 1));
        words[w] |= 1L << nr;
    }

    void clear(int nr) {
        int w = nr >>> 6;
        if (w < words.length) words[w] &= ~(1L << nr);
    }

    /** The lowest number {@code >= from} in use, or -1. */
    int nextSetBit(int from) {
        int w = from >>> 6;
        if (w >= words.length) return -1;
        long word = words[w] & (-1L << from);
        while (true) {
            if (word != 0) return (w << 6) + Long.numberOfTrailingZeros(word);
            if (++w == words.length) return -1;
            word = words[w];
        }
    }

    /** The lowest number {@code >= from} not in use (possibly beyond the words held). */
    int nextClearBit(int from) {
        int w = from >>> 6;
        if (w >= words.length) return from;
        long word = ~words[w] & (-1L << from);
        while (true) {
            if (word != 0) return (w << 6) + Long.numberOfTrailingZeros(word);
            if (++w == words.length) return w << 6;
            word = ~words[w];
        }
    }
}
