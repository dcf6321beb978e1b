/**
 * Checkpoint and restore of a sim process tree through a mount's files only (issue 13): the
 * versioned JSON {@link procsim.restorer.Image} (docs/image-format.md), {@link procsim.restorer.Checkpoint}
 * (reads the mount), and {@link procsim.restorer.Restore}, which makes every task and IPC object
 * again with its ids by one {@link procsim.restorer.RestoreMethod} through a
 * {@link procsim.restorer.RestorerPort}: {@link procsim.restorer.MountPort} for a mount (and its
 * dry run). The race lab's restorers create their children by the same methods through the
 * {@link procsim.restorer.CreationPort} that RestorerPort extends (an in-process kernel, or an
 * attached thread's files). Needs no kernel-sim: the files are the contract.
 */
package procsim.restorer;
