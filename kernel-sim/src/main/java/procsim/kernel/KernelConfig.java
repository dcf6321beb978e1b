package procsim.kernel;

import java.util.function.LongSupplier;

import procsim.pid.PidNamespace;

/**
 * Boot parameters. {@code clock} gives wall-clock seconds (IPC times); tests pass a fixed one.
 */
public record KernelConfig(int pidMax, LongSupplier clock) {
    public static KernelConfig defaults() {
        return new KernelConfig(PidNamespace.PID_MAX_DEFAULT, () -> System.currentTimeMillis() / 1000);
    }

    public KernelConfig withPidMax(int pidMax) {
        return new KernelConfig(pidMax, clock);
    }
}
