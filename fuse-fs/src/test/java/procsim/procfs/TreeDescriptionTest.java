package procsim.procfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import procsim.attach.AttachTable;
import procsim.cli.ProcsimCommand;
import procsim.kernel.Kernel;

/**
 * The tree's one description, as {@code procsim mount --help} prints it: it names every entry
 * of the tree, and the README quotes it as printed, so neither can go stale again.
 */
class TreeDescriptionTest {
    private static final Caller OPERATOR = new Caller(100, 0, 0);

    /** The block of {@code procsim mount --help} that describes the tree: its heading to the next blank line. */
    static List<String> helpBlock() {
        List<String> help = ProcsimCommand.commandLine().getSubcommands().get("mount").getUsageMessage().lines().toList();
        int from = 0;
        while (!help.get(from).startsWith("The tree")) from++;
        int to = from;
        while (to < help.size() && !help.get(to).isBlank()) to++;
        return help.subList(from, to);
    }

    /**
     * The path column of the block: each row's first field (fields are parted by two or more
     * blanks); a line indented more than a path's continuation goes on the last row's "what".
     */
    private static String pathColumn() {
        StringBuilder paths = new StringBuilder();
        for (String line : helpBlock().subList(1, helpBlock().size())) {
            int indent = line.length() - line.stripLeading().length();
            if (indent < 8) paths.append(line.strip().split("\\s{2,}")[0]).append('\n');
        }
        return paths.toString();
    }

    /**
     * Every name of the tree's tables, and every name a walk of a fresh tree lists (which
     * reaches the directories built inline: ns/, tty/, sys/, procsim/pidns/...); numbers (pids,
     * fds, namespace inums) stand for themselves as {@code <pid>}, {@code <n>}, {@code <inum>}.
     */
    static Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (List<? extends Entry<?>> table : List.of(RootEntries.FIXED, TgidEntries.TGID, TgidEntries.TID,
                SysKernelEntries.TABLE, SysvipcEntries.TABLE)) {
            table.forEach(e -> names.add(e.name()));
        }
        ProcFs fs = new ProcFs(Kernel.boot(), new AttachTable(new FakeHost().process(100, 1)));
        walk(fs, "", names);
        return names;
    }

    private static void walk(ProcFs fs, String dir, Set<String> names) {
        List<String> numbered = new ArrayList<>();
        for (String name : fs.readdir(OPERATOR, dir.isEmpty() ? "/" : dir)) {
            String path = dir + "/" + name;
            if (name.matches("\\d+")) {
                numbered.add(path);
                continue;
            }
            names.add(name);
            // procsim/pidns/<inum>/proc/ is the whole tree again
            if (!path.endsWith("/proc") && fs.getattr(OPERATOR, path).kind() == FileAttr.Kind.DIR) {
                walk(fs, path, names);
            }
        }
        // one of a directory's numbered entries stands for all
        if (!numbered.isEmpty() && fs.getattr(OPERATOR, numbered.get(0)).kind() == FileAttr.Kind.DIR) {
            walk(fs, numbered.get(0), names);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void theHelpNamesEveryEntryOfTheTree(String name) {
        Pattern word = Pattern.compile("(?<![\\w<>-])" + Pattern.quote(name) + "(?![\\w<>-])");
        assertThat(word.matcher(pathColumn()).find())
                .as("'%s' in the path column of procsim mount --help's tree:%n%s", name, pathColumn())
                .isTrue();
    }

    /** picocli prints the lines as they are when they fit its default width (80 columns). */
    @Test
    void theBlockFitsEightyColumns() {
        assertThat(helpBlock()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(80));
    }

    /** The README quotes the block verbatim, as an indented code block. */
    @Test
    void theReadmeQuotesTheBlockAsPrinted() throws IOException {
        String readme = Files.readString(Path.of("../README.md"));
        String quoted = helpBlock().stream().map(l -> "    " + l).collect(Collectors.joining("\n"));
        assertThat(readme.contains("\n" + quoted + "\n\n")).as("README.md quotes, indented by 4:%n%s", quoted).isTrue();
    }
}
