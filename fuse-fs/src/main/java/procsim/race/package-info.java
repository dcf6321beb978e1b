/**
 * The race lab behind {@code procsim race}: real threads, each attached to its own sim restorer,
 * racing through a mount for their pids ({@link procsim.race.LiveRace}, {@link procsim.race.RaceWorker}),
 * the harness's own in-process mount ({@link procsim.race.OwnMount}), the race evidence read back from
 * {@code M/procsim/pidns/<inum>/} ({@link procsim.race.RaceEvidenceFiles}), and the report: table, CSV
 * ({@link procsim.race.RaceReport}) and PNG chart ({@link procsim.race.MissRateChart}). The replay
 * engine itself is kernel-sim's {@link procsim.restore.RaceReplay}.
 *
 * <p>Everything here goes through the mount as files (java.nio), as a shell would; only
 * {@link procsim.race.OwnMount} touches the FUSE layer, through {@link procsim.fuse.FuseMount}'s
 * public API. No jnr import.
 *
 * <p>Threads: a live run's operator thread (unattached) sets up and reads the evidence; one
 * platform thread per restorer or interference task does nothing but its own FUSE requests. They
 * share only latches and the stop/abort flags; each worker's tally is read after {@code join}.
 */
package procsim.race;
