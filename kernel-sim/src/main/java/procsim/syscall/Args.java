package procsim.syscall;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import procsim.abi.Errno;
import procsim.abi.Flags;
import procsim.abi.Strtol;

/**
 * The words of one syscall line after the name: positional words, and {@code key=value} words
 * where the syscall declares keys. Every accessor throws EINVAL on a malformed or missing word,
 * and {@link #done()} rejects words nobody asked for.
 */
public final class Args {
    private final String name;
    private final List<String> words;
    private final Map<String, String> keyed = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private int used;

    Args(String name, List<String> words) {
        this.name = name;
        this.words = words;
    }

    public String name() {
        return name;
    }

    /** Splits {@code key=value} words off for the keys given; the rest stay positional. */
    public Args keys(String... keys) {
        outer:
        for (String w : words) {
            int eq = w.indexOf('=');
            if (eq > 0) {
                String k = w.substring(0, eq);
                for (String allowed : keys) {
                    if (allowed.equals(k)) {
                        if (keyed.put(k, w.substring(eq + 1)) != null) throw Errno.EINVAL.error();
                        continue outer;
                    }
                }
            }
            positional.add(w);
        }
        return this;
    }

    /** Every word positional (syscalls without keys). */
    public Args positional() {
        positional.addAll(words);
        return this;
    }

    public int count() {
        return positional.size();
    }

    public boolean has(int i) {
        return i < positional.size();
    }

    public String word(int i) {
        if (i >= positional.size()) throw Errno.EINVAL.error();
        used = Math.max(used, i + 1);
        return positional.get(i);
    }

    public long num(int i) {
        return Strtol.parse(word(i));
    }

    public int intNum(int i) {
        return Strtol.parseInt(word(i));
    }

    public long num(int i, long absent) {
        return has(i) ? num(i) : absent;
    }

    public long flags(int i, Map<String, Long> names) {
        return Flags.parse(word(i), names);
    }

    public long flags(int i, Map<String, Long> names, long absent) {
        return has(i) ? flags(i, names) : absent;
    }

    public String key(String k) {
        return keyed.get(k);
    }

    public Map<String, String> keyed() {
        return keyed;
    }

    /** A comma list of numbers ({@code set_tid=500,42}); EINVAL if empty or malformed. */
    public static int[] intList(String v) {
        if (v == null || v.isEmpty()) throw Errno.EINVAL.error();
        String[] parts = v.split(",", -1);
        int[] out = new int[parts.length];
        for (int i = 0; i < parts.length; i++) out[i] = Strtol.parseInt(parts[i]);
        return out;
    }

    /** EINVAL if positional words are left over. */
    public void done() {
        if (positional.size() > used) throw Errno.EINVAL.error();
    }
}
