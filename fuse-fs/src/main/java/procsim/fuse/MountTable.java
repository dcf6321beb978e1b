package procsim.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The host's mount table as {@code /proc/self/mountinfo} shows it (fs/proc_namespace.c
 * {@code show_mountinfo}): used to tell a live mount from a stale one left by a killed daemon.
 */
public final class MountTable {
    /** One line of mountinfo: the mount point (unescaped), the filesystem type and the source. */
    public record Entry(String mountPoint, String fsType, String source) {
        public boolean isFuse() {
            return fsType.equals("fuse") || fsType.startsWith("fuse.") || fsType.equals("fuseblk");
        }
    }

    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    private MountTable() {
    }

    /** All mounts, in mount order (a later line is mounted over an earlier one). */
    public static List<Entry> read() throws IOException {
        return parse(Files.readAllLines(MOUNTINFO));
    }

    /** The topmost mount at {@code mountPoint} (an absolute, normalized path), if any. */
    public static Optional<Entry> find(Path mountPoint) {
        String want = mountPoint.toString();
        try {
            Entry found = null;
            for (Entry e : read()) {
                if (e.mountPoint().equals(want)) {
                    found = e;
                }
            }
            return Optional.ofNullable(found);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Parses mountinfo lines; malformed lines are skipped. */
    static List<Entry> parse(List<String> lines) {
        List<Entry> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            // "36 35 98:0 /root /mnt rw,noatime master:1 - ext3 /dev/root rw"
            String[] f = line.split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    dash = i;
                    break;
                }
            }
            if (f.length < 5 || dash < 0 || dash + 2 >= f.length) {
                continue;
            }
            out.add(new Entry(unescape(f[4]), f[dash + 1], unescape(f[dash + 2])));
        }
        return out;
    }

    /** Undoes the kernel's octal escapes of space, tab, newline and backslash ({@code \040}). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
