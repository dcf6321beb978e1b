/**
 * The race lab's experiment and its deterministic replay: a run's plan ({@link procsim.race.RacePlan},
 * by {@link procsim.race.RaceMethod}), its outcome ({@link procsim.race.RaceTally},
 * {@link procsim.race.RaceEvidence}, {@link procsim.race.RaceRow}), and the seeded replay with
 * simulated restorers inside one in-process kernel ({@link procsim.race.RaceReplay}): no FUSE, no
 * threads. The live run through a mount's files is {@code procsim.race.live}; the command's lab
 * (sweep, table, CSV, chart) is {@code procsim.race.lab}.
 *
 * <p>A restorer creates its children by restorer's {@link procsim.restorer.RestoreMethod} (the
 * restore's own writes and lines) through a {@link procsim.race.TaskPort}. The module needs
 * kernel-sim and restorer: whatever needs FUSE (the lab's own in-process mount) is fuse-fs's,
 * behind {@link procsim.race.lab.OwnMountPort}.
 *
 * <p>Threads (live): a run's operator thread (unattached) sets up and reads the evidence; one
 * platform thread per restorer or interference task does nothing but its own FUSE requests. They
 * share only latches and the stop/abort flags; each worker's tally is read after {@code join}.
 */
package procsim.race;
