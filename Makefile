# roster — build, test, install.
#
# Objects and binaries go under $(O) (default: the source tree), so that a
# sanitizer build can live beside the normal one: make O=build/asan SAN=1.

PREFIX         ?= /usr/local
BINDIR         ?= $(PREFIX)/bin
MANDIR         ?= $(PREFIX)/share/man
COMPLETIONDIR  ?= $(PREFIX)/share/bash-completion/completions
EXAMPLESDIR    ?= $(PREFIX)/share/doc/roster/examples
PROGRAM_PREFIX ?=
DESTDIR        ?=

CC      ?= cc
O       ?= .
SAN     ?=
CPPFLAGS += -Iinclude -D_GNU_SOURCE
CFLAGS  ?= -O2 -g
# Warnings are errors in make check and CI (WERROR=-Werror), not in a plain
# make or make install: a newer compiler's new warning must not stop one.
WERROR  ?=
CFLAGS  += -std=c11 -Wall -Wextra $(WERROR) -MMD -MP

# Normal builds link statically: start-up time dominates a one-user command
# and a static binary starts in about half the time of a dynamic one.
# Sanitizers need the dynamic loader, so SAN=1 links dynamically.
ifeq ($(SAN),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
else
LDSTATIC ?= -static
LDFLAGS += $(LDSTATIC)
endif

LIBS     = -lyaml -lcsv -linih -ljansson -lidn2 -lunistring -lm
ICALLIBS = -lical -licalss -licui18n -licuuc -licudata -lstdc++ -lpthread -ldl

CMDS    := $(sort $(basename $(notdir $(wildcard cmd/*.c))))
LIBSRC  := $(sort $(wildcard lib/*.c))
LIBOBJ  := $(LIBSRC:%.c=$(O)/obj/%.o)
CMDOBJ  := $(CMDS:%=$(O)/obj/cmd/%.o)
BINS    := $(CMDS:%=$(O)/bin/%)
LIBA    := $(O)/obj/libroster.a
MAN1    := $(sort $(wildcard man/man1/*.1))
MAN5    := $(sort $(wildcard man/man5/*.5))

# Binaries that need libical (calendar sync) link it; the others do not pay
# for it at start-up.
ICALCMDS := ooo-add

# Fuzz harnesses (test/fuzz/NAME.c).  make check replays their corpus and
# regression inputs through $(O)/fuzz/NAME, built with $(CC) and a small
# main(); make fuzz builds them with libFuzzer and fuzzes each in turn.
FUZZ     := csv user ini inied time hours ics email
FUZZOBJ  := $(FUZZ:%=$(O)/obj/test/fuzz/%.o) $(O)/obj/test/fuzz/replay.o
REPLAYS  := $(FUZZ:%=$(O)/fuzz/%)

# C unit tests (test/unit/NAME.c, one per lib/ module, TAP on stdout),
# each linked with the harness test/unit/test-lib.c and libroster.a.  A new
# file there is built and run by make check with no change here.
UNIT     := $(filter-out test-lib,$(basename $(notdir $(wildcard test/unit/*.c))))
UNITOBJ  := $(UNIT:%=$(O)/obj/test/unit/%.o) $(O)/obj/test/unit/test-lib.o
UNITS    := $(UNIT:%=$(O)/unit/%)

all: $(BINS) $(REPLAYS) $(UNITS) $(O)/test/faultinject.so

# The compiler and flags the objects were built with: a change (make check
# adds -Werror) rebuilds them, so that no object escapes a stricter build.
FLAGSTAMP := $(O)/obj/CFLAGS
FLAGLINE   = $(CC) $(CPPFLAGS) $(CFLAGS)
$(FLAGSTAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(FLAGLINE)' | cmp -s - $@ || echo '$(FLAGLINE)' >$@

$(O)/obj/%.o: %.c $(FLAGSTAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIBA): $(LIBOBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

$(O)/bin/%: $(O)/obj/cmd/%.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBA) $(if $(filter $*,$(ICALCMDS)),$(ICALLIBS)) $(LIBS)

$(O)/fuzz/%: $(O)/obj/test/fuzz/%.o $(O)/obj/test/fuzz/replay.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(O)/obj/test/fuzz/replay.o $(LIBA) \
	    $(if $(filter ics,$*),$(ICALLIBS)) $(LIBS)

$(O)/unit/%: $(O)/obj/test/unit/%.o $(O)/obj/test/unit/test-lib.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(O)/obj/test/unit/test-lib.o $(LIBA) \
	    $(ICALLIBS) $(LIBS)

# The I/O fault shim for test/faults-io.bats (LD_PRELOAD): it can only
# stand between a dynamically linked binary and libc, so the fault tests run
# the dynamic build under build/dyn (make dyn) or the sanitizer build.
$(O)/test/faultinject.so: test/helpers/faultinject.c $(FLAGSTAMP)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -fPIC -shared -o $@ $< -ldl

# Objects reached only through a pattern chain would be deleted as
# intermediate; keep them so that a second make does nothing.
.SECONDARY: $(CMDOBJ) $(FUZZOBJ) $(UNITOBJ)

-include $(LIBOBJ:.o=.d) $(CMDOBJ:.o=.d) $(FUZZOBJ:.o=.d) $(UNITOBJ:.o=.d)

# --- tests -----------------------------------------------------------------

# Everything the build, make check (test/, its helpers: jq, python3 with
# its standard library only, coreutils' timeout, util-linux's setpriv and
# mount) and make bench need on Debian.  build-essential and git are
# assumed.
DEPS = libyaml-dev libcsv-dev libinih-dev libjansson-dev libical-dev \
       libicu-dev libidn2-dev libunistring-dev bats bats-assert \
       bats-support mandoc tzdata python3 \
       hyperfine shellcheck parallel jq coreutils util-linux mount passwd \
       strace python3-email-validator python3-icalendar python3-dateutil \
       python3-yaml \
       python3-recurring-ical-events

# make sharedtest's GlusterFS test bed (server and FUSE client on loopback).
SHAREDDEPS = glusterfs-server glusterfs-client

deps:
	@sh share/deps.sh $(DEPS) $(SHAREDDEPS)

print-deps:
	@echo $(DEPS)

asan:
	$(MAKE) O=build/asan SAN=1 WERROR=$(WERROR)

# The same binaries linked dynamically, for the I/O fault shim.
dyn:
	$(MAKE) O=build/dyn LDSTATIC= WERROR=$(WERROR)

BATS ?= bats
TESTS ?= test

# Every build of check treats warnings as errors (so do its prerequisites).
check: override WERROR = -Werror
check: all asan dyn
	@FAULT_SHIM="$(CURDIR)/build/dyn/test/faultinject.so" \
	    UNIT_TESTS="$(UNIT)" sh test/run.sh "$(O)/bin" "build/asan/bin" $(TESTS)

# Only the unit tests of $(O), for a quick run while editing lib/.
unittest: $(UNITS)
	@sh test/unit/run.sh $(UNITS)

# Fuzzing with libFuzzer (by hand, never part of check): each harness for
# FUZZTIME seconds, new inputs kept in $(FUZZDIR)/corpus/NAME, a crash
# written to $(FUZZDIR)/crash-NAME-*.  A finding, once fixed, goes into
# test/fuzz/regress/NAME/ so that make check replays it.
FUZZCC    ?= clang-14
FUZZTIME  ?= 60
FUZZDIR   ?= build/fuzz
FUZZFLAGS ?= -g -O1 -fno-omit-frame-pointer
FUZZSAN    = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZLIBA  := $(FUZZDIR)/obj/libroster.a
FUZZBINS  := $(FUZZ:%=$(FUZZDIR)/%)

$(FUZZDIR)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZCC) $(CPPFLAGS) $(FUZZFLAGS) $(FUZZSAN) -fsanitize=fuzzer-no-link \
	    -std=c11 -Wall -Wextra -MMD -MP -c -o $@ $<

$(FUZZLIBA): $(LIBSRC:%.c=$(FUZZDIR)/obj/%.o)
	rm -f $@
	$(AR) rcs $@ $^

$(FUZZDIR)/%: $(FUZZDIR)/obj/test/fuzz/%.o $(FUZZLIBA)
	$(FUZZCC) $(FUZZFLAGS) $(FUZZSAN) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZLIBA) $(if $(filter ics,$*),$(ICALLIBS)) $(LIBS) -lpthread

.SECONDARY: $(FUZZ:%=$(FUZZDIR)/obj/test/fuzz/%.o)

-include $(wildcard $(FUZZDIR)/obj/*/*.d $(FUZZDIR)/obj/test/fuzz/*.d)

fuzz: $(FUZZBINS)
	@for f in $(FUZZ); do \
		mkdir -p $(FUZZDIR)/corpus/$$f test/fuzz/regress/$$f; \
		echo "# fuzz $$f for $(FUZZTIME) s"; \
		dict=; [ ! -f test/fuzz/$$f.dict ] || dict=-dict=test/fuzz/$$f.dict; \
		$(FUZZDIR)/$$f -max_total_time=$(FUZZTIME) -timeout=10 \
		    -rss_limit_mb=2048 -print_final_stats=1 $$dict \
		    -artifact_prefix=$(FUZZDIR)/crash-$$f- \
		    $(FUZZDIR)/corpus/$$f test/fuzz/corpus/$$f \
		    test/fuzz/regress/$$f || exit 1; \
	done

# A longer crash-safety loop than the one in check (test/crash.bats):
# CRASHITER mixed writers, and CRASHWRITERS runs of each multi-file writer
# per signal (SIGKILL, SIGINT).
CRASHITER ?= 5000
CRASHWRITERS ?= 300
crashtest: all
	CRASH_ITERATIONS=$(CRASHITER) CRASH_WRITER_RUNS=$(CRASHWRITERS) \
	    ROSTER_BIN="$(CURDIR)/$(O)/bin" $(BATS) test/crash.bats

# Every N for every writer and call kind (make check runs a sample of the
# larger writers: FAULT_FULL=1 lifts it), and every case with a disk that
# stays full after the first failure too.
faulttest: dyn
	FAULT_FULL=1 ROSTER_BIN="$(CURDIR)/build/dyn/bin" \
	    FAULT_SHIM="$(CURDIR)/build/dyn/test/faultinject.so" \
	    $(BATS) test/faults-io.bats

# A longer run of the property test of editing user files in place
# (test/user-prop.bats, which check runs with a small count).
N    ?= 5000
SEED ?= 13
proptest: all
	PROPTEST_N=$(N) PROPTEST_SEED=$(SEED) ROSTER_BIN="$(CURDIR)/$(O)/bin" \
	    $(BATS) test/user-prop.bats

# A store shared by two hosts, for real (roster(5), "A store shared by
# several hosts"): a GlusterFS volume on loopback mounted twice.  Needs
# root and /dev/fuse; without them it says "not run" and succeeds.
# SHARED_SETTINGS=default shows what GlusterFS's defaults break.
sharedtest: all
	@bash share/sharedtest.sh test "$(CURDIR)/$(O)/bin"

# Benchmarks of README.md, Performance (by hand, never part of check),
# then local against shared times when the shared test bed can run.
bench: all
	@sh share/bench/run.sh "$(CURDIR)/$(O)/bin"
	@bash share/sharedtest.sh bench "$(CURDIR)/$(O)/bin"

lint-man:
	mandoc -Tlint -Wwarning $(MAN1) $(MAN5)

# --- install ---------------------------------------------------------------

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5
	for c in $(CMDS); do \
		install -m 755 $(O)/bin/$$c $(DESTDIR)$(BINDIR)/$(PROGRAM_PREFIX)$$c || exit 1; \
		if [ -f man/man1/$$c.1 ]; then \
			install -m 644 man/man1/$$c.1 \
			    $(DESTDIR)$(MANDIR)/man1/$(PROGRAM_PREFIX)$$c.1 || exit 1; \
		fi; \
	done
	for m in $(MAN5); do install -m 644 $$m $(DESTDIR)$(MANDIR)/man5/ || exit 1; done
	install -d $(DESTDIR)$(EXAMPLESDIR)
	install -m 644 share/examples/agents.csv share/examples/ooo.ics \
	    $(DESTDIR)$(EXAMPLESDIR)/
	install -m 755 share/examples/send-outbox $(DESTDIR)$(EXAMPLESDIR)/
	if [ -f share/completion/roster.bash ]; then \
		install -d $(DESTDIR)$(COMPLETIONDIR) && \
		install -m 644 share/completion/roster.bash $(DESTDIR)$(COMPLETIONDIR)/roster; \
	fi

uninstall:
	for c in $(CMDS); do \
		rm -f $(DESTDIR)$(BINDIR)/$(PROGRAM_PREFIX)$$c \
		      $(DESTDIR)$(MANDIR)/man1/$(PROGRAM_PREFIX)$$c.1; \
	done
	for m in $(MAN5); do rm -f $(DESTDIR)$(MANDIR)/man5/$$(basename $$m); done
	rm -f $(DESTDIR)$(COMPLETIONDIR)/roster

demo: 
	@sh share/deps.sh --quiet $(DEPS)
	@$(MAKE) --no-print-directory all
	@sh share/demo.sh "$(CURDIR)/$(O)/bin"

clean:
	rm -rf obj bin fuzz unit build

.PHONY: all asan bench check crashtest deps demo dyn faulttest fuzz install \
	print-deps proptest sharedtest uninstall unittest clean lint-man FORCE
