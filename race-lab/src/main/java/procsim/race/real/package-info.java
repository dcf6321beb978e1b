/**
 * The race lab's real-kernel arm: the same experiment run by real processes on the host's kernel,
 * in a private pid namespace, by the one C race program (shim/tests/nslastpid-race.c).
 */
package procsim.race.real;
