# nnlab: one Makefile. `make` builds libnnlab.a and ./nnlab; `make check` runs every test;
# `make SANITIZE=1 check` does the same under AddressSanitizer and UBSan.
CC       ?= cc
PKGS     := libcjson libpng
CPPFLAGS += -Iinclude -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(shell pkg-config --cflags $(PKGS))
# -ffp-contract=off: no fused multiply-add, so every build and every machine computes
# the same bits (and the same bits as numpy's reference-BLAS matrix products).
CFLAGS   ?= -O2 -g
# -fno-trapping-math changes no value; it lets gcc if-convert and vectorise the clamps
# in the exp/tanh loops.
CFLAGS   += -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -ffp-contract=off \
            -fno-trapping-math -fvect-cost-model=dynamic -MMD -MP
LDLIBS   += $(shell pkg-config --libs $(PKGS)) -lm -pthread

ifeq ($(SANITIZE),1)
  MODE    := sanitize
  CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  LDFLAGS += -fsanitize=address,undefined
else
  MODE    := release
endif
B := build/$(MODE)

LIB_SRC  := $(sort $(wildcard src/util/*.c src/core/*.c src/data/*.c src/spec/*.c src/record/*.c \
                              src/figure/*.c src/study/*.c src/report/*.c src/run/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/unit/test_*.c))
LIB_OBJ  := $(LIB_SRC:%.c=$(B)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(B)/%.o)
TEST_BIN := $(TEST_SRC:tests/unit/%.c=$(B)/tests/%) $(B)/tests/jget

ifeq ($(MODE),release)
all: libnnlab.a nnlab
libnnlab.a: $(B)/libnnlab.a ; cp $< $@.tmp && mv $@.tmp $@
nnlab: $(B)/nnlab ; cp $< $@.tmp && mv $@.tmp $@
else
all: $(B)/libnnlab.a $(B)/nnlab
endif

$(B)/libnnlab.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

$(B)/nnlab: $(CLI_OBJ) $(B)/libnnlab.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: $(B)/tests/unit/%.o $(B)/libnnlab.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

# The whole suite: unit programs, data-driven bad specs, command-line tests.
check: all $(TEST_BIN)
	@NNLAB=$(B)/nnlab TESTBIN=$(B)/tests sh tests/run.sh

# Every command-line test under valgrind's memcheck (slow: tens of minutes).
check-valgrind: all $(TEST_BIN)
	@NNLAB=$(B)/nnlab TESTBIN=$(B)/tests sh tests/valgrind/run.sh

# A real single-node Slurm cluster (root, Debian's slurm-wlm and munge: .ci/install-slurm);
# about 20 s. CI runs it after the suite.
check-slurm: all $(TEST_BIN)
	@NNLAB=$(B)/nnlab TESTBIN=$(B)/tests sh tests/cluster/test_slurm.sh

# libFuzzer targets over the spec loader and the file readers (clang, Debian's
# libclang-rt-14-dev); each runs FUZZ_SECONDS (default 60) from its committed corpus.
FUZZ_SECONDS ?= 60
FUZZ_CC ?= clang
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
             -ffp-contract=off -std=c11 -DNN_NO_CLONES $(CPPFLAGS)
build/fuzz/%: tests/fuzz/%.c $(LIB_SRC)
	@mkdir -p build/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(LDLIBS)
# New inputs go to build/fuzz/work-*, crashes to build/fuzz/found; `make fuzz-merge` folds
# what found new coverage back into the committed corpus, minimised.
fuzz: build/fuzz/fuzz_spec build/fuzz/fuzz_files
	@mkdir -p build/fuzz/found build/fuzz/work-spec build/fuzz/work-files
	build/fuzz/fuzz_spec -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -rss_limit_mb=2048 -artifact_prefix=build/fuzz/found/spec- build/fuzz/work-spec \
	    tests/fuzz/corpus/spec
	build/fuzz/fuzz_files -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -rss_limit_mb=2048 -artifact_prefix=build/fuzz/found/files- build/fuzz/work-files \
	    tests/fuzz/corpus/files
fuzz-merge: build/fuzz/fuzz_spec build/fuzz/fuzz_files
	for t in spec files; do rm -rf build/fuzz/min-$$t && mkdir -p build/fuzz/min-$$t build/fuzz/work-$$t && \
	    build/fuzz/fuzz_$$t -merge=1 -max_len=65536 -timeout=10 build/fuzz/min-$$t \
	        tests/fuzz/corpus/$$t build/fuzz/work-$$t && \
	    rm -rf tests/fuzz/corpus/$$t && mv build/fuzz/min-$$t tests/fuzz/corpus/$$t || exit 1; done

# make figures: every experiment in experiments/ into runs/<name> (replacing the last
# make figures' runs there), the 100-seed sweep of init.json into runs/init-sweep, two at a
# time on two cores; then the gallery: each figure docs/gallery.tsv lists copied into
# docs/figures, and docs/gallery.md written from the table; a 20-seed sweep's page
# (runs/report-sweep) photographed by the tests' headless browser for docs/report.md and the
# README (skipped, said, without chromium).
FIGURE_RUNS := fig-init-3-deep $(filter-out fig-init-3-deep,$(patsubst experiments/%.json,fig-%,$(wildcard experiments/*.json))) fig-init-sweep fig-report-sweep
figures: all
	@t0=$$(date +%s.%N); $(MAKE) --no-print-directory -j$$(nproc) $(FIGURE_RUNS) && \
	awk -F'\t' '!/^#|^==|^--|^[ \t]*$$/ && NF == 6 { print "runs/" $$1 "/" $$2 "\t" "docs/figures/" $$3 }' \
	    docs/gallery.tsv | while IFS="$$(printf '\t')" read -r src dst; do \
	    cp "$$src" "$$dst" || exit 1; done && \
	awk -f docs/gallery.awk docs/gallery.tsv > docs/gallery.md.tmp && mv docs/gallery.md.tmp docs/gallery.md && \
	t1=$$(date +%s.%N); echo "make figures: $(words $(FIGURE_RUNS)) runs in $$(awk -v a=$$t0 -v b=$$t1 'BEGIN { printf "%.1f", b - a }') s; the gallery in docs/gallery.md"
fig-init-sweep:
	@rm -rf runs/init-sweep
	@./nnlab sweep experiments/init.json --set seed=0:100 --out runs/init-sweep --no-plots --quiet --jobs 1
	@./nnlab collect runs/init-sweep --plot converged_epoch > runs/init-sweep/collect.csv
fig-report-sweep:
	@rm -rf runs/report-sweep
	@./nnlab sweep experiments/init.json --set seed=0:20 --out runs/report-sweep --quiet --jobs 1
	@if command -v chromium >/dev/null; then \
	    python3 tests/browser/page_check.py runs/report-sweep/index.html \
	        --screenshot docs/figures/report-sweep.png > runs/report-sweep/page_check.log || \
	    { cat runs/report-sweep/page_check.log; exit 1; }; \
	else echo "make figures: no chromium, so docs/figures/report-sweep.png was not taken"; fi
fig-%:
	@./nnlab run experiments/$*.json --out runs/$* --force --quiet --threads 1

# docs/spec.md's studies section, regenerated from the study registry (a test fails when
# the two differ)
docs: all
	@awk -v gen="$$(./nnlab list studies --markdown)" \
	    '/^<!-- end of studies -->/ { print gen; on = 0 } !on { print } \
	     /^     tests\/cli\/test_registry.sh/ { on = 1 }' docs/spec.md > docs/spec.md.tmp && \
	    mv docs/spec.md.tmp docs/spec.md && echo "docs/spec.md: studies section regenerated"

bench: all
	sh tests/bench/run.sh

clean:
	rm -rf build libnnlab.a nnlab

.PHONY: all check check-valgrind check-slurm fuzz fuzz-merge figures fig-init-sweep docs bench clean
.SECONDARY:
-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(TEST_SRC:tests/unit/%.c=$(B)/tests/unit/%.d)
-include $(B)/tests/unit/jget.d
