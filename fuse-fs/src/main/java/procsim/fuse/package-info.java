/**
 * The FUSE adapter: the only package that imports {@code jnr.*}.
 *
 * <ul>
 *   <li>{@link procsim.fuse.FuseOps}: every FUSE operation against a {@link procsim.procfs.ProcTree},
 *       in plain Java (callers, strings, byte arrays), returning FUSE's {@code 0 / -errno}. The one
 *       place a {@link procsim.abi.SysError} becomes a negative int ({@link procsim.fuse.FuseReply}).
 *       Unit-tested without a mount.</li>
 *   <li>{@link procsim.fuse.ProcFuse}: the kernel protocol's requests, served as libfuse2's
 *       high-level API serves them: node ids to paths ({@link procsim.fuse.NodeTable}), each
 *       request to its {@link procsim.fuse.FuseOps} call, the reply encoded
 *       ({@link procsim.fuse.FuseWire}, the layouts of include/uapi/linux/fuse.h).</li>
 *   <li>{@link procsim.fuse.FuseMount}: mount on a thread of its own, readiness at FUSE_INIT,
 *       unmount, wait for the FUSE loop to end; the root pid namespace's fixed view as a second
 *       mount with positive timeouts ({@link procsim.fuse.ViewTree}).</li>
 *   <li>{@link procsim.fuse.FuseSession}: libfuse2 mounts and unmounts; Java threads read the
 *       requests from /dev/fuse and write the replies.</li>
 *   <li>{@link procsim.fuse.MountTable}: the host's mount table, to find a stale mount left by a
 *       killed daemon.</li>
 * </ul>
 *
 * <p>Threads: requests are served on several Java threads in parallel ({@code FuseSession});
 * nothing here holds a lock while calling the tree; the open-file table is a concurrent map, the
 * node table locks only around its own maps. No kernel lock is taken here: the tree takes it.
 */
package procsim.fuse;
