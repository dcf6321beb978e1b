package procsim.restorer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads of a mount's files that a checkpoint and a restore share: a task's status, fd table
 * ({@code fd/} links and {@code fdinfo/}), SysV shm attaches ({@code maps}) and argv
 * ({@code cmdline}), in the formats of Linux's fs/proc (array.c proc_pid_status, fd.c seq_show,
 * task_mmu.c show_map_vma).
 */
final class MountFiles {
    private MountFiles() {
    }

    /** A status file's lines we use, by key ({@code NSpid} gives {@code 7\t3}). */
    record Status(Map<String, String> fields) {
        String get(String key) {
            String v = fields.get(key);
            return v == null ? "" : v;
        }

        /** The tab- or blank-separated numbers of a key ({@code Uid}, {@code NSpid}). */
        List<Long> numbers(String key) {
            List<Long> out = new ArrayList<>();
            for (String w : get(key).strip().split("\\s+")) {
                if (!w.isEmpty()) out.add(Long.parseLong(w));
            }
            return out;
        }

        List<Integer> ints(String key) {
            List<Integer> out = new ArrayList<>();
            for (long x : numbers(key)) out.add((int) x);
            return out;
        }

        /** State's letter: {@code S}, {@code T}, {@code Z}. */
        String state() {
            String s = get("State").strip();
            return s.isEmpty() ? "" : s.substring(0, 1);
        }
    }

    /** {@code dir/status}, or null if the task is gone. */
    static Status status(Path dir) throws IOException {
        List<String> lines;
        try {
            lines = Files.readAllLines(dir.resolve("status"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        }
        Map<String, String> f = new HashMap<>();
        for (String l : lines) {
            int colon = l.indexOf(":\t");
            if (colon > 0) f.put(l.substring(0, colon), l.substring(colon + 2));
        }
        return new Status(f);
    }

    /** The open fds of process {@code dir}, in fd order. */
    static List<Image.Fd> fds(Path dir) throws IOException {
        Map<Integer, Image.Fd> fds = new TreeMap<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("fd"))) {
            for (Path p : ds) {
                int fd = Integer.parseInt(p.getFileName().toString());
                String path = Files.readSymbolicLink(p).toString();
                String flags = "0";
                long pos = 0;
                for (String l : Files.readAllLines(dir.resolve("fdinfo/" + fd), StandardCharsets.UTF_8)) {
                    String[] kv = l.split(":\\s+", 2);
                    if (kv.length < 2) continue;
                    if (kv[0].equals("pos")) pos = Long.parseLong(kv[1].strip());
                    if (kv[0].equals("flags")) flags = kv[1].strip();
                }
                fds.put(fd, new Image.Fd(fd, flags, pos, path));
            }
        }
        return new ArrayList<>(fds.values());
    }

    /** The SysV shm attaches of {@code dir}'s maps: start address, shmid (the inode column), mode. */
    static List<Image.ShmAttach> shmAttaches(Path dir) throws IOException {
        List<Image.ShmAttach> out = new ArrayList<>();
        for (String l : Files.readAllLines(dir.resolve("maps"), StandardCharsets.UTF_8)) {
            String[] w = l.strip().split("\\s+");
            if (w.length < 6 || !w[5].startsWith("/SYSV")) continue;
            long start = Long.parseUnsignedLong(w[0].substring(0, w[0].indexOf('-')), 16);
            out.add(new Image.ShmAttach(start, Integer.parseInt(w[4]), w[1].charAt(1) == 'w' ? "rw" : "ro"));
        }
        return out;
    }

    /** {@code dir/cmdline} split at its NULs. */
    static List<String> argv(Path dir) throws IOException {
        String s = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
        List<String> out = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == 0) {
                out.add(s.substring(from, i));
                from = i + 1;
            }
        }
        if (from < s.length()) out.add(s.substring(from));
        return out;
    }
}
