package procsim.fuse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import procsim.abi.Errno;
import procsim.abi.SysError;

/**
 * Runs one FUSE operation and turns its outcome into what the reply carries: a count or 0 on
 * success, {@code -errno} on failure. The only place in procsim where an {@link Errno} becomes a
 * negative int.
 *
 * <p>An exception must never escape into the session loop: the request would go unanswered and its
 * caller hang, or the worker end. Hence: a {@link SysError} is an answer (logged at DEBUG, one line: {@code "write /1/task/1/syscall:
 * EINVAL"}); anything else is a bug, answered with EIO and logged at ERROR in one line (the stack
 * trace follows at DEBUG).
 */
public final class FuseReply {
    private static final Logger log = LoggerFactory.getLogger(FuseReply.class);
    static final int EIO = Errno.EIO.number();

    /** The body of one operation: returns 0 or a byte count, or throws {@link SysError}. */
    @FunctionalInterface
    public interface Body {
        int run();
    }

    private FuseReply() {
    }

    /** Runs {@code body}; {@code op} and {@code path} only name the request in the log. */
    public static int of(String op, String path, Body body) {
        try {
            return body.run();
        } catch (SysError e) {
            return failed(op, path, e, null);
        } catch (Throwable t) {
            return crashed(op, path, t);
        }
    }

    /** Like {@link #of} for a write, whose failures are logged with (the start of) the data. */
    public static int ofWrite(String path, byte[] data, Body body) {
        try {
            return body.run();
        } catch (SysError e) {
            return failed("write", path, e, data);
        } catch (Throwable t) {
            return crashed("write", path, t);
        }
    }

    /** Logs a throwable caught outside {@link #of} (in {@code init}, say) the same way: one ERROR line. */
    public static void logUnexpected(String op, String path, Throwable t) {
        crashed(op, path, t);
    }

    /** The negative errno FUSE wants for {@code errno}. */
    public static int negative(Errno errno) {
        return -errno.number();
    }

    private static int failed(String op, String path, SysError e, byte[] data) {
        Errno errno = e.errno();
        if (errno == null) {
            return crashed(op, path, e);
        }
        // A missing name is the common answer to a lookup (bash completion, $PATH-like probes):
        // keep it out of DEBUG.
        boolean quiet = errno == Errno.ENOENT && (op.equals("getattr") || op.equals("readlink"));
        if (quiet ? log.isTraceEnabled() : log.isDebugEnabled()) {
            String line = op + " " + path + ": " + e.getMessage() + (data == null ? "" : " <- " + quote(data));
            if (quiet) {
                log.trace(line);
            } else {
                log.debug(line);
            }
        }
        return -errno.number();
    }

    private static int crashed(String op, String path, Throwable t) {
        try {
            StackTraceElement[] st = t.getStackTrace();
            String where = st.length > 0 ? " at " + st[0] : "";
            log.error("{} {}: EIO, unexpected {}{}", op, path, t, where);
            log.debug("{} {}: stack trace", op, path, t);
        } catch (Throwable ignored) {
            // Logging itself failed (out of memory?): the answer still has to reach the kernel.
        }
        return -EIO;
    }

    /** The data of a failed write, printable and short: {@code "x\n"} for a bash {@code echo x}. */
    static String quote(byte[] data) {
        StringBuilder sb = new StringBuilder(Math.min(data.length, 64) + 8).append('"');
        int n = Math.min(data.length, 64);
        for (int i = 0; i < n; i++) {
            int b = data[i] & 0xff;
            switch (b) {
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (b < 0x20 || b >= 0x7f) {
                        sb.append(String.format("\\x%02x", b));
                    } else {
                        sb.append((char) b);
                    }
                }
            }
        }
        sb.append('"');
        if (data.length > n) {
            sb.append("...(").append(data.length).append(" bytes)");
        }
        return sb.toString();
    }
}
