package procsim.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import procsim.restorer.RestoreMethod;

/**
 * The plain command lines of checkpoint, restore and image show, read without picocli, whose
 * start (~190 classes of Java 5 bytecode, which no CDS archive holds, and the annotations read)
 * was a third of theirs. Only what picocli reads the same way: each option once, as its name
 * and its value in the next word or after {@code =} for a long name, values that begin with
 * neither '-' nor '@', decimal numbers. Anything else (help, a usage error, {@code @FILE},
 * clustered flags, {@code --}) is left to picocli, which says what it always said.
 */
final class QuickArgs {
    /** A command that runs with given writers: picocli's, or those of {@link #run}. */
    interface Client {
        int run(PrintWriter out, PrintWriter err) throws IOException;
    }

    private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]{0,8}");
    private static final Map<String, String> ALIASES = Map.of("-i", "--input", "-o", "--output", "-v", "--verbose");

    private QuickArgs() {
    }

    /** The command {@code args} names with its fields set, or null when picocli must read them. */
    static Client parse(String... args) {
        if (args.length == 0) return null;
        try {
            return switch (args[0]) {
                case "restore" -> restore(args);
                case "checkpoint" -> checkpoint(args);
                case "image" -> args.length == 3 && args[1].equals("show") && (args[2].equals("-") || plain(args[2]))
                        ? show(args[2]) : null;
                default -> null;
            };
        } catch (IllegalArgumentException e) { // a method's or a path's conversion: picocli says so
            return null;
        }
    }

    /** Runs {@code args} if they are plain: the exit status; null if picocli must read them. */
    static Integer run(String... args) {
        Client c = parse(args);
        if (c == null) return null;
        PrintWriter out = writer(System.out, "sun.stdout.encoding");
        PrintWriter err = writer(System.err, "sun.stderr.encoding");
        try {
            return c.run(out, err);
        } catch (Exception | Error e) {
            return ProcsimCommand.failed(err, c instanceof ImageCommand.Show ? "show" : args[0], e, false);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** The writer picocli would make (CommandLine.getOut, getErr): the JVM's encoding unless told one. */
    private static PrintWriter writer(OutputStream s, String property) {
        String name = System.getProperty(property);
        Charset cs;
        try {
            cs = name == null ? Charset.defaultCharset() : Charset.forName(name.equalsIgnoreCase("cp65001") ? "UTF-8" : name);
        } catch (IllegalArgumentException e) {
            cs = Charset.defaultCharset();
        }
        return new PrintWriter(new java.io.BufferedWriter(new java.io.OutputStreamWriter(s, cs)), false);
    }

    private static boolean plain(String w) {
        return !w.isEmpty() && w.charAt(0) != '-' && w.charAt(0) != '@';
    }

    /**
     * The options (by long name; a flag's value is "true") and positionals of {@code args} after
     * the command's name, or null if a word is not plain.
     */
    private static Map<String, String> words(String[] args, Set<String> flags, Set<String> valued, List<String> positionals) {
        Map<String, String> opts = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String w = args[i];
            String name = ALIASES.getOrDefault(w, w);
            String value;
            int eq = w.indexOf('=');
            if (w.startsWith("--") && eq > 0 && valued.contains(w.substring(0, eq))) {
                name = w.substring(0, eq);
                value = w.substring(eq + 1);
            } else if (flags.contains(name)) {
                value = "true";
            } else if (valued.contains(name) && i + 1 < args.length) {
                value = args[++i];
            } else if (plain(w)) {
                positionals.add(w);
                continue;
            } else {
                return null;
            }
            if (!plain(value) || opts.put(name, value) != null) return null;
        }
        return opts;
    }

    private static RestoreCommand restore(String[] args) {
        List<String> pos = new ArrayList<>();
        Map<String, String> o = words(args, Set.of("--dry-run", "--verbose"), Set.of("--method", "--input", "--workers"), pos);
        if (o == null || pos.size() != 1 || !o.containsKey("--method")) return null;
        String workers = o.getOrDefault("--workers", RestoreCommand.DEFAULT_WORKERS);
        if (!DECIMAL.matcher(workers).matches()) return null;
        RestoreCommand c = new RestoreCommand();
        c.mount = Path.of(pos.get(0));
        c.method = RestoreMethod.parse(o.get("--method"));
        c.input = o.containsKey("--input") ? Path.of(o.get("--input")) : null;
        c.dryRun = o.containsKey("--dry-run");
        c.workers = Integer.parseInt(workers);
        c.verbose = o.containsKey("--verbose");
        return c;
    }

    private static CheckpointCommand checkpoint(String[] args) {
        List<String> pos = new ArrayList<>();
        Map<String, String> o = words(args, Set.of(), Set.of("--output"), pos);
        if (o == null || pos.size() != 1) return null;
        CheckpointCommand c = new CheckpointCommand();
        c.mount = Path.of(pos.get(0));
        c.output = o.containsKey("--output") ? Path.of(o.get("--output")) : null;
        return c;
    }

    private static ImageCommand.Show show(String file) {
        ImageCommand.Show c = new ImageCommand.Show();
        c.file = Path.of(file);
        return c;
    }
}
