/**
 * The sim kernel's entry points.
 *
 * <p>Lock order: there is one kernel lock ({@link procsim.kernel.Kernel}'s read-write lock).
 * Nothing in kernel-sim takes another lock while holding it, does host I/O under it, or logs.
 * Callers outside (the proc tree, the attach table) take their own locks only before or after
 * the kernel lock, never while holding it: attach lock -> kernel lock is the only order.
 *
 * <p>Fields commented {@code guarded by the kernel lock} are written under its write lock and read
 * under it too, for reading (renders) or writing (syscalls); the model's other fields are final.
 */
package procsim.kernel;
