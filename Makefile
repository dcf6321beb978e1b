# procsim: the user's entry points.
#   make run     build if needed, check the machine, mount the sim /proc at ./mnt in the foreground
#                (make run MNT=/some/dir ARGS='--pid-max 4194304')
#   make install PREFIX=/usr/local   launcher, jar, bash libraries, bash completion, man pages
#   make test    install missing system packages, then unit tests and the bats suites
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
SOURCES := $(shell find pom.xml kernel-sim/pom.xml fuse-fs/pom.xml kernel-sim/src/main fuse-fs/src/main -type f 2>/dev/null)

.PHONY: all build run install test unit shell-test bench bench-jmh bench-mount deps clean

all: build

build: $(JAR)

$(JAR): $(SOURCES)
	$(MVN) -DskipTests package

# System packages: libfuse2 is all jnr-fuse needs as root; fuse3 brings /bin/fusermount.
# (Debian's "fuse" package conflicts with fuse3: never install it.)
deps:
	@if ! dpkg -s libfuse2 fuse3 bats >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing libfuse2 fuse3 bats"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libfuse2 fuse3 bats >/dev/null; \
	  else \
	    echo "missing packages: run 'sudo apt-get install libfuse2 fuse3 bats'" >&2; exit 1; \
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

install: $(DOCS)/procsim.bash-completion
	install -d $(PREFIX)/bin $(PREFIX)/share/procsim $(PREFIX)/share/bash-completion/completions $(PREFIX)/share/man/man1
	install -m 755 bin/procsim $(PREFIX)/bin/procsim
	install -m 644 $(JAR) $(PREFIX)/share/procsim/procsim.jar
	install -m 644 shell-tests/lib/*.bash $(PREFIX)/share/procsim/
	install -m 644 $(DOCS)/procsim.bash-completion $(PREFIX)/share/bash-completion/completions/procsim
	install -m 644 $(DOCS)/man1/*.1 $(PREFIX)/share/man/man1/
	@echo "installed $(PREFIX)/bin/procsim; bash libraries in $(PREFIX)/share/procsim; man procsim"

test: deps unit shell-test

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

clean:
	$(MVN) clean
