/**
 * Checkpoint and restore of a sim process tree through a mount's files only (issue 13): the
 * versioned JSON {@link procsim.restorer.Image} (docs/image-format.md), {@link procsim.restorer.Checkpoint}
 * (reads the mount), and {@link procsim.restorer.Restore}, which makes every task and IPC object
 * again with its ids by one {@link procsim.restorer.RestoreMethod} through a
 * {@link procsim.restorer.RestorerPort}: {@link procsim.restorer.MountPort} for a mount (and its
 * dry run), an in-process kernel for the race lab. Needs no kernel-sim: the files are the contract.
 */
package procsim.restorer;
