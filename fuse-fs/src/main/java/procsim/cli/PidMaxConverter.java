package procsim.cli;

import picocli.CommandLine;
import procsim.abi.SysError;
import procsim.kernel.SysctlInt;
import procsim.pid.PidNamespace;

/**
 * {@code --pid-max N}: parsed as a write to /proc/sys/kernel/pid_max is (kernel/sysctl.c
 * proc_dointvec_minmax: base 0, blanks around, a trailing newline) and held to the same range,
 * [301, 4194304]. Unlike a write, which ignores what follows the first number, a command line
 * must be that one number.
 */
final class PidMaxConverter implements CommandLine.ITypeConverter<Integer> {
    @Override
    public Integer convert(String arg) {
        SysctlInt v;
        try {
            v = SysctlInt.parse(arg);
        } catch (SysError e) {
            throw new CommandLine.TypeConversionException("'" + arg + "' is not an int");
        }
        if (v.consumed() != arg.length()) {
            throw new CommandLine.TypeConversionException("'" + arg + "' is not one number");
        }
        if (v.value() < PidNamespace.PID_MAX_MIN || v.value() > PidNamespace.PID_MAX_LIMIT) {
            throw new CommandLine.TypeConversionException(v.value() + " is outside Linux's range "
                    + PidNamespace.PID_MAX_MIN + ".." + PidNamespace.PID_MAX_LIMIT);
        }
        return v.value();
    }
}
