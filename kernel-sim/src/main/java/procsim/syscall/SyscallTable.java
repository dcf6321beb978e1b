package procsim.syscall;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import procsim.abi.Errno;

/**
 * The syscall table: a name, and a decoder that turns the line's words into a {@link Call}.
 * Decoding validates everything that does not depend on kernel state, so a malformed line fails
 * with EINVAL before the kernel lock is taken and changes nothing. Mirrors gVisor's linux64.go.
 */
public final class SyscallTable {
    private final Map<String, Function<Args, Call>> decoders = new TreeMap<>();

    /** The table with every syscall procsim models. */
    public static SyscallTable standard() {
        SyscallTable t = new SyscallTable();
        ProcessSyscalls.register(t);
        FileSyscalls.register(t);
        IpcSyscalls.register(t);
        return t;
    }

    public void register(String name, Function<Args, Call> decoder) {
        if (decoders.put(name, decoder) != null) throw new IllegalStateException("twice: " + name);
    }

    public List<String> names() {
        return List.copyOf(decoders.keySet());
    }

    /**
     * Decodes one line: {@code NAME ARG...}, words split on blanks, one trailing newline allowed.
     * EINVAL for an empty line, an unknown name or malformed arguments.
     */
    public Call decode(String line) {
        String s = line.endsWith("\n") ? line.substring(0, line.length() - 1) : line;
        if (s.indexOf('\n') >= 0) throw Errno.EINVAL.error();
        List<String> w = words(s);
        if (w.isEmpty()) throw Errno.EINVAL.error();
        Function<Args, Call> d = decoders.get(w.get(0));
        if (d == null) throw Errno.EINVAL.error();
        return d.apply(new Args(w.get(0), w.subList(1, w.size())));
    }

    /** The line's words, split on blanks (spaces and tabs). */
    private static List<String> words(String s) {
        List<String> out = new ArrayList<>(4);
        int i = 0;
        int n = s.length();
        while (i < n) {
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) i++;
            int start = i;
            while (i < n && s.charAt(i) != ' ' && s.charAt(i) != '\t') i++;
            if (i > start) out.add(s.substring(start, i));
        }
        return out;
    }
}
