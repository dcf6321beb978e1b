# procsim: the user's entry points.
#   make run     build if needed, check the machine, mount the sim /proc at ./mnt in the foreground
#                (make run MNT=/some/dir ARGS='--pid-max 4194304')
#   make install PREFIX=/usr/local   launcher, jar, bash libraries, bash completion, man pages
#   make test    install missing system packages, then shellcheck, unit tests and the bats suites
#   make bench   JMH benchmarks of the simulator and the bash harness against the mount

SHELL := /bin/bash
JAR   := fuse-fs/target/procsim.jar
MNT   ?= $(CURDIR)/mnt
# jansi.noreset: Debian's Maven 3.8 prints ESC[0m resets even with -B -q (only MAVEN_OPTS reaches
# jansi early enough).
MVN   ?= MAVEN_OPTS="$$MAVEN_OPTS -Djansi.noreset=true" mvn -B -q
PREFIX ?= /usr/local
DOCS  := fuse-fs/target/docs
JMH_ARGS ?= -f 1 -wi 3 -i 5 -w 1s -r 1s
SOURCES := $(shell find pom.xml kernel-sim/pom.xml restorer/pom.xml race-lab/pom.xml fuse-fs/pom.xml kernel-sim/src/main restorer/src/main race-lab/src/main fuse-fs/src/main -type f 2>/dev/null)

.PHONY: all build shim shim-compare run install test lint unit shell-test bench bench-jmh bench-mount bench-growth bench-ps bench-shim bench-fuzz deps clean

all: build

build: $(JAR) shim

$(JAR): $(SOURCES)
	$(MVN) -DskipTests package

# libprocsim.so (procsim exec's preloaded shim) and its C test programs (TAP), with the system gcc.
SHIM_CFLAGS ?= -O2 -Wall -Wextra -Werror
SHIM_TESTS  := shim/build/pids shim/build/waitid shim/build/shmat shim/build/threads shim/build/nslastpid-race shim/build/seeds shim/build/clone3 shim/build/creds shim/build/msg shim/build/semshm shim/build/signals shim/build/sessions shim/build/static-hello

shim: shim/build/libprocsim.so $(SHIM_TESTS)

shim/build/libprocsim.so: shim/libprocsim.c shim/procsim.h
	@mkdir -p shim/build
	gcc $(SHIM_CFLAGS) -fPIC -shared -fvisibility=hidden -o $@ shim/libprocsim.c

shim/build/static-hello: shim/tests/static-hello.c
	@mkdir -p shim/build
	gcc $(SHIM_CFLAGS) -static -o $@ $<

shim/build/%: shim/tests/%.c shim/tests/tap.h shim/tests/proc.h shim/procsim.h
	@mkdir -p shim/build
	gcc $(SHIM_CFLAGS) -pthread -o $@ $<

# System packages: libfuse2 is all the mount needs as root (its fuse_mount/fuse_unmount); fuse3 brings /bin/fusermount.
# (Debian's "fuse" package conflicts with fuse3: never install it.) bats and shellcheck test;
# gcc and libc6-dev build the shim; exec.bats runs python3, first_use.bats util-linux's setpriv.
DEPS := libfuse2 fuse3 bats shellcheck gcc libc6-dev python3 util-linux
deps:
	@if ! dpkg -s $(DEPS) >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing $(DEPS)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(DEPS) >/dev/null; \
	  else \
	    echo "missing packages: run 'sudo apt-get install $(DEPS)'" >&2; exit 1; \
	  fi; \
	fi

run: deps build
	@bin/procsim check
	@mkdir -p $(MNT)
	@bin/procsim-banner $(MNT)
	@exec bin/procsim mount $(MNT) $(ARGS)

# The bash completion and the man pages come from the picocli model (fuse-fs/pom.xml, profile docs).
$(DOCS)/procsim.bash-completion: $(SOURCES)
	$(MVN) -P docs -DskipTests package

install: $(DOCS)/procsim.bash-completion shim
	install -d $(PREFIX)/bin $(PREFIX)/share/procsim $(PREFIX)/share/bash-completion/completions $(PREFIX)/share/man/man1
	install -m 755 bin/procsim $(PREFIX)/bin/procsim
	install -m 644 $(JAR) $(PREFIX)/share/procsim/procsim.jar
	install -m 644 shell-tests/lib/*.bash $(PREFIX)/share/procsim/
	install -m 644 shim/build/libprocsim.so shim/procsim.h $(PREFIX)/share/procsim/
	install -m 755 shim/build/nslastpid-race $(PREFIX)/share/procsim/
	install -m 644 $(DOCS)/procsim.bash-completion $(PREFIX)/share/bash-completion/completions/procsim
	install -m 644 $(DOCS)/man1/*.1 $(PREFIX)/share/man/man1/
	@echo "installed $(PREFIX)/bin/procsim; bash libraries in $(PREFIX)/share/procsim; man procsim"


# A daemon at $(MNT) (a fresh one, stopped after; or the one `make run` keeps there) and `procsim shell`
# on it: ps, top, pstree, ipcs in that shell show the sim, as init.
.PHONY: shell
shell: build
	@mkdir -p $(MNT)
	@source shell-tests/lib/procsim.bash; m=$(MNT); \
	  if ! procsim_is_mounted "$$m"; then procsim_start "$$m" || exit 1; trap 'procsim_stop "$$m"' EXIT; fi; \
	  bin/procsim shell "$$m" $(ARGS)

test: deps lint unit shim shell-test shim-compare

# The TAP programs of shim/tests that use only mainline interfaces, natively and under procsim exec:
# fails on any difference in their TAP results (bats's session rule: a session of its own).
shim-compare: build
	setsid -w bash shell-tests/shim-compare.sh

# shellcheck on every shell script: bin/'s, the helper libraries, the bench scripts, procsim
# shell's helper, and the bats suites as bash.
LINT_SH    := $(shell grep -lE '^\#!.*\<(ba)?sh\>' bin/* 2>/dev/null) $(wildcard shell-tests/lib/*.bash shell-tests/bench/*.sh shell-tests/shim-compare.sh fuse-fs/src/main/resources/procsim/cli/*.bash)
LINT_BATS  := $(wildcard shell-tests/*.bats)
lint: deps
	shellcheck -x -P SCRIPTDIR $(LINT_SH)
	shellcheck -x -P SCRIPTDIR -s bash $(LINT_BATS)
	@echo "lint: shellcheck clean ($(words $(LINT_SH) $(LINT_BATS)) files)"

unit:
	$(MVN) package
	@cat */target/surefire-reports/TEST-*.xml | grep -o 'tests="[0-9]*" errors="[0-9]*" skipped="[0-9]*" failures="[0-9]*"' | \
	  awk -F'"' '{ t += $$2; e += $$4; s += $$6; f += $$8 } END { printf "unit: %d passed, %d failed, %d skipped\n", t - e - s - f, e + f, s; \
	    if (s && ENVIRON["PROCSIM_REQUIRE_FUSE"] == 1) { print "unit: skipped tests with PROCSIM_REQUIRE_FUSE=1: failing"; exit 1 } }'

# bats in a session of its own: attach's session rule (README, "Who is calling") needs the
# operator's commands below their live session leader, whatever started make.
shell-test: build
	@mkdir -p target
	@set -o pipefail; setsid -w bats --print-output-on-failure shell-tests/ | tee target/bats.tap; rc=$$?; \
	  awk '/^ok .* # skip/ { s++; next } /^ok / { p++ } /^not ok / { f++ } \
	       END { printf "bats: %d passed, %d failed, %d skipped\n", p, f, s; \
	             if (s && ENVIRON["PROCSIM_REQUIRE_FUSE"] == 1) { print "bats: skipped tests with PROCSIM_REQUIRE_FUSE=1: failing"; exit 1 } }' \
	    target/bats.tap || rc=1; exit $$rc

bench: bench-jmh bench-mount

bench-jmh:
	$(MVN) -f kernel-sim/pom.xml -P bench -DskipTests package
	java -jar kernel-sim/target/benchmarks.jar "ForkExitWait|ForkAtScale" $(JMH_ARGS)
	java -Xmx1g -cp kernel-sim/target/benchmarks.jar procsim.bench.HeapFootprint

bench-mount: deps build
	bash shell-tests/bench/mount-bench.sh
	bash shell-tests/bench/restore-bench.sh
	$(MAKE) --no-print-directory bench-ps
	$(MAKE) --no-print-directory bench-growth
	$(MAKE) --no-print-directory bench-shim

# fork + exit + wait through procsim exec's shim beside a bash `echo fork` round trip through the
# mount and the real kernel's fork + wait (issue 12).
bench-shim: deps build
	setsid -w bash shell-tests/bench/shim-bench.sh

# ps -ef over 1,000 sim processes beside 1,000 real ones, and its FUSE requests (issue 11).
bench-ps: deps build
	bash shell-tests/bench/ps-bench.sh

# The daemon's RSS through 200,000 forks, 100,000 messages and 10,000 open files (issue 10).
bench-growth: deps build
	bash shell-tests/bench/growth-bench.sh

# Seeded fuzz of the FUSE operations in-process (100,000 writes), then a short run through a mount:
# goal 0 EIO and 0 ERROR log lines (issue 10).
bench-fuzz: deps
	$(MVN) -DskipTests package
	@mkdir -p bench-results
	@set -o pipefail; rc=0; \
	  java -cp $(JAR):fuse-fs/target/test-classes procsim.fuse.FuseFuzzer 100000 1 | tee bench-results/fuzz-bench.md || rc=1; \
	  bash shell-tests/bench/fuzz-mount.sh || rc=1; exit $$rc

clean:
	$(MVN) clean
