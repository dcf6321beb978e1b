package procsim.procfs;

import java.util.List;
import java.util.function.Function;

/**
 * One row of a proc directory table, like fs/proc/base.c's {@code pid_entry}: a name and what
 * the node is, given the directory's context ({@code C}: the task, the viewer).
 */
public record Entry<C>(String name, Function<C, Node> node) {
    /** The names of a table, in order. */
    public static <C> List<String> names(List<Entry<C>> table) {
        return table.stream().map(Entry::name).toList();
    }

    /** The node of {@code name} in {@code table}, or null. */
    public static <C> Node lookup(List<Entry<C>> table, String name, C ctx) {
        for (Entry<C> e : table) {
            if (e.name.equals(name)) return e.node.apply(ctx);
        }
        return null;
    }
}
