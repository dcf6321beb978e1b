package procsim.procfs.render;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One parser for status and stat text, run over procsim's output and the host's real /proc alike. */
final class ProcFormat {
    private ProcFormat() {
    }

    /** status: every line {@code Key:\tvalue}; keys in order. Throws on a line of another shape. */
    static LinkedHashMap<String, String> status(String text) {
        if (!text.endsWith("\n")) throw new IllegalArgumentException("no final newline");
        LinkedHashMap<String, String> m = new LinkedHashMap<>();
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            int colon = line.indexOf(":\t");
            if (colon <= 0) {
                // some kernels print an empty value without the tab (e.g. "Groups:\t" is always tabbed)
                throw new IllegalArgumentException("not Key:\\tvalue: " + line);
            }
            m.put(line.substring(0, colon), line.substring(colon + 2));
        }
        return m;
    }

    /** stat: pid, comm (between the first '(' and the last ')'), then the rest split on spaces. */
    static List<String> stat(String text) {
        if (!text.endsWith("\n")) throw new IllegalArgumentException("no final newline");
        String t = text.substring(0, text.length() - 1);
        int open = t.indexOf(" (");
        int close = t.lastIndexOf(") ");
        List<String> f = new ArrayList<>();
        f.add(t.substring(0, open));
        f.add(t.substring(open + 2, close));
        for (String s : t.substring(close + 2).split(" ", -1)) f.add(s);
        return f;
    }

    /** The NS* value as numbers: tab-separated. */
    static int[] numbers(Map<String, String> status, String key) {
        String v = status.get(key);
        if (v.isEmpty()) return new int[0];
        String[] p = v.split("\t", -1);
        int[] out = new int[p.length];
        for (int i = 0; i < p.length; i++) out[i] = Integer.parseInt(p[i]);
        return out;
    }
}
