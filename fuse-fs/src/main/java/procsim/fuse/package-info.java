/**
 * The jnr-fuse adapter: the only package that imports {@code jnr.*} or {@code ru.serce.*}.
 *
 * <ul>
 *   <li>{@link procsim.fuse.FuseOps}: every FUSE operation against a {@link procsim.procfs.ProcTree},
 *       in plain Java (callers, strings, byte arrays), returning FUSE's {@code 0 / -errno}. The one
 *       place a {@link procsim.abi.SysError} becomes a negative int ({@link procsim.fuse.FuseReply}).
 *       Unit-tested without a mount.</li>
 *   <li>{@link procsim.fuse.ProcFuse}: the thin {@code FuseStubFS} subclass that unpacks jnr structs
 *       and pointers and calls {@link procsim.fuse.FuseOps}.</li>
 *   <li>{@link procsim.fuse.FuseMount}: mount on a thread of its own, readiness from {@code init()},
 *       unmount, wait for the FUSE loop to end; the root pid namespace's fixed view as a second
 *       mount with positive timeouts ({@link procsim.fuse.ViewTree}).</li>
 *   <li>{@link procsim.fuse.FuseSession}: libfuse2's fuse_main() in steps, its requests served by
 *       Java threads.</li>
 *   <li>{@link procsim.fuse.MountTable}: the host's mount table, to find a stale mount left by a
 *       killed daemon.</li>
 * </ul>
 *
 * <p>Threads: requests are served on several Java threads in parallel ({@code FuseSession});
 * nothing here holds a lock while calling the tree, and the open-file table is a concurrent map.
 * No kernel lock is taken here: the tree takes it.
 */
package procsim.fuse;
