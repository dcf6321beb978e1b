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

    /** Lines of {@code key v1 v2 ...} (/proc/stat): key to its words, keys in order; every word a number. */
    static LinkedHashMap<String, List<String>> keyed(String text) {
        if (!text.endsWith("\n")) throw new IllegalArgumentException("no final newline");
        LinkedHashMap<String, List<String>> m = new LinkedHashMap<>();
        for (String line : text.substring(0, text.length() - 1).split("\n", -1)) {
            if (!line.matches("[a-z_0-9]+ +\\d+( \\d+)*")) throw new IllegalArgumentException("not key n...: " + line);
            List<String> words = new ArrayList<>(List.of(line.split(" +")));
            m.put(words.remove(0), words);
        }
        return m;
    }

    /**
     * /proc/meminfo: {@code show_val_kb}'s 16-column label then the value, at least 8 wide, then
     * {@code " kB"} (or {@code show_val}'s bare count for HugePages_*); keys in order. Throws on
     * a line of another shape.
     */
    static LinkedHashMap<String, Long> meminfo(String text) {
        LinkedHashMap<String, Long> m = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            java.util.regex.Matcher x = java.util.regex.Pattern.compile("([A-Za-z0-9_()]+):( +)(\\d+)( kB)?").matcher(line);
            if (!x.matches()) throw new IllegalArgumentException("not a meminfo line: " + line);
            if (x.group(4) != null && x.end(3) < 24) throw new IllegalArgumentException("value not at column 24: " + line);
            m.put(x.group(1), Long.parseLong(x.group(3)));
        }
        return m;
    }

    /**
     * /proc/cpuinfo (arch/x86/kernel/cpu/proc.c): one block per CPU, each line {@code key<tabs>: value}
     * (the key with its tabs, so the padding is compared too), a blank line after each block.
     */
    static List<LinkedHashMap<String, String>> cpuinfo(String text) {
        if (!text.endsWith("\n\n")) throw new IllegalArgumentException("no blank line at the end");
        List<LinkedHashMap<String, String>> blocks = new ArrayList<>();
        for (String block : text.substring(0, text.length() - 2).split("\n\n", -1)) {
            LinkedHashMap<String, String> m = new LinkedHashMap<>();
            for (String line : block.split("\n", -1)) {
                int colon = line.indexOf(':');
                if (colon <= 0 || !line.substring(0, colon).matches("[A-Za-z_ ]+\t*")) {
                    throw new IllegalArgumentException("not key\\t: value: " + line);
                }
                m.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
            blocks.add(m);
        }
        return blocks;
    }
}
