# procsim: the user's entry points.
#   make run     build if needed, mount the sim /proc at ./mnt in the foreground
#   make test    install missing system packages, then unit tests and the bats suites
#   make bench   JMH benchmarks of the simulator and the bash harness against the mount

SHELL := /bin/bash
JAR   := fuse-fs/target/procsim.jar
MNT   ?= $(CURDIR)/mnt
MVN   ?= mvn -B -q
JMH_ARGS ?= -f 1 -wi 3 -i 5 -w 1s -r 1s
SOURCES := $(shell find pom.xml kernel-sim/pom.xml fuse-fs/pom.xml kernel-sim/src/main fuse-fs/src/main -type f 2>/dev/null)

.PHONY: all build shim run test unit shell-test bench bench-jmh bench-mount bench-growth bench-fuzz deps clean

all: build

build: $(JAR) shim

$(JAR): $(SOURCES)
	$(MVN) -DskipTests package

# libprocsim.so (procsim exec's preloaded shim) and its C test programs (TAP), with the system gcc.
SHIM_CFLAGS ?= -O2 -Wall -Wextra -Werror
SHIM_TESTS  := shim/build/pids shim/build/seeds shim/build/static-hello

shim: shim/build/libprocsim.so $(SHIM_TESTS)

shim/build/libprocsim.so: shim/libprocsim.c shim/procsim.h
	@mkdir -p shim/build
	gcc $(SHIM_CFLAGS) -fPIC -shared -fvisibility=hidden -o $@ shim/libprocsim.c

shim/build/static-hello: shim/tests/static-hello.c
	@mkdir -p shim/build
	gcc $(SHIM_CFLAGS) -static -o $@ $<

shim/build/%: shim/tests/%.c shim/tests/tap.h shim/procsim.h
	@mkdir -p shim/build
	gcc $(SHIM_CFLAGS) -o $@ $<

# System packages: libfuse2 is all jnr-fuse needs as root; fuse3 brings /bin/fusermount.
# (Debian's "fuse" package conflicts with fuse3: never install it.)
deps:
	@if ! dpkg -s libfuse2 fuse3 bats gcc libc6-dev >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing libfuse2 fuse3 bats gcc libc6-dev"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libfuse2 fuse3 bats gcc libc6-dev >/dev/null; \
	  else \
	    echo "missing packages: run 'sudo apt-get install libfuse2 fuse3 bats gcc libc6-dev'" >&2; exit 1; \
	  fi; \
	fi

run: build
	@mkdir -p $(MNT)
	@bin/procsim-banner $(MNT)
	@exec bin/procsim mount $(MNT) $(ARGS)

# A daemon at $(MNT) (a fresh one, stopped after; or the one `make run` keeps there) and `procsim shell`
# on it: ps, top, pstree, ipcs in that shell show the sim, as init.
.PHONY: shell
shell: build
	@mkdir -p $(MNT)
	@source shell-tests/lib/procsim.bash; m=$(MNT); \
	  if ! procsim_is_mounted "$$m"; then procsim_start "$$m" || exit 1; trap 'procsim_stop "$$m"' EXIT; fi; \
	  bin/procsim shell "$$m" $(ARGS)

test: deps unit shim shell-test

unit:
	$(MVN) package
	@cat */target/surefire-reports/TEST-*.xml | grep -o 'tests="[0-9]*" errors="[0-9]*" skipped="[0-9]*" failures="[0-9]*"' | \
	  awk -F'"' '{ t += $$2; e += $$4; s += $$6; f += $$8 } END { printf "unit: %d passed, %d failed, %d skipped\n", t - e - s - f, e + f, s }'

shell-test: build
	@mkdir -p target
	@set -o pipefail; bats --print-output-on-failure shell-tests/ | tee target/bats.tap; rc=$$?; \
	  awk '/^ok .* # skip/ { s++; next } /^ok / { p++ } /^not ok / { f++ } \
	       END { printf "bats: %d passed, %d failed, %d skipped\n", p, f, s }' target/bats.tap; exit $$rc

bench: bench-jmh bench-mount

bench-jmh:
	$(MVN) -f kernel-sim/pom.xml -P bench -DskipTests package
	java -jar kernel-sim/target/benchmarks.jar "ForkExitWait|ForkAtScale" $(JMH_ARGS)
	java -Xmx1g -cp kernel-sim/target/benchmarks.jar procsim.bench.HeapFootprint

bench-mount: deps build
	bash shell-tests/bench/mount-bench.sh
	bash shell-tests/bench/restore-bench.sh
	$(MAKE) --no-print-directory bench-growth

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
