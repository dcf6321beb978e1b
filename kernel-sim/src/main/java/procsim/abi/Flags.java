package procsim.abi;

import java.util.Map;

/**
 * Flag words of the syscall file: names or numbers joined by {@code |}
 * ({@code CLONE_NEWPID|SIGCHLD}, {@code IPC_CREAT|0600}). Numbers parse as {@link Strtol}.
 */
public final class Flags {
    private Flags() {
    }

    /** EINVAL for an unknown name, an empty part or a malformed number. */
    public static long parse(String word, Map<String, Long> names) {
        if (word.isEmpty()) throw Errno.EINVAL.error();
        long v = 0;
        for (String part : word.split("\\|", -1)) {
            Long named = names.get(part);
            v |= named != null ? named : Strtol.parse(part);
        }
        return v;
    }
}
