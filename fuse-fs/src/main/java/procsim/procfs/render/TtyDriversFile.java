package procsim.procfs.render;

/**
 * /proc/tty/drivers (fs/proc/proc_tty.c show_tty_driver, show_tty_range): the pseudo-drivers
 * first ({@code %-20s /dev/%-8s %3d %7d system...}), then the registered drivers. ps reads it to
 * name a task's tty from stat's tty_nr.
 * Deviation: the sim has the pseudo-drivers and Unix98 ptys only (no VT, no serial).
 */
public final class TtyDriversFile {
    private TtyDriversFile() {
    }

    public static String render() {
        return single("/dev/tty", "tty", 5, 0, "system:/dev/tty")
                + single("/dev/console", "console", 5, 1, "system:console")
                + single("/dev/ptmx", "ptmx", 5, 2, "system")
                + range("pty_slave", "pts", 136, 0, 1048575, "pty:slave")
                + range("pty_master", "ptm", 128, 0, 1048575, "pty:master");
    }

    private static String single(String driver, String name, int major, int minor, String type) {
        return String.format("%-20s /dev/%-8s %3d %7d %s\n", driver, name, major, minor, type);
    }

    private static String range(String driver, String name, int major, int from, int to, String type) {
        return String.format("%-20s /dev/%-8s %3d %d-%d %s\n", driver, name, major, from, to, type);
    }
}
