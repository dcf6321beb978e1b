package procsim.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** What procsim shell and exec share on the command line (with {@code @Mixin}): M, the help layout, checks. */
@Command(
        mixinStandardHelpOptions = true,
        versionProvider = ProcsimCommand.Version.class,
        usageHelpAutoWidth = true,
        headerHeading = "%n",
        descriptionHeading = "%nDescription:%n",
        parameterListHeading = "%nParameters:%n",
        optionListHeading = "%nOptions:%n",
        footerHeading = "%n")
final class ViewCommandStyle {
    @Parameters(index = "0", paramLabel = "M", description = "A procsim mount.")
    Path mountPoint;

    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** --as PID must be a pid: bad usage (status 2) otherwise. */
    void checkAs(int as) {
        if (as <= 0) throw new CommandLine.ParameterException(spec.commandLine(), "--as must be a pid (1 or more): " + as);
    }

    SimView simView() {
        return new SimView(spec.name(), mountPoint);
    }
}
