# Virtlab: the two commands are `make tour` and `make test`. Each installs what it needs
# (Debian packages, the guest image, the build) and is quick when that is already done.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help deps image build test unit-test integration-test soak fuzz faults tour bench bench-cli bench-load clean

help:
	@echo "make tour   - a tour of the talk on a real guest (installs what it needs)"
	@echo "make test   - all tests (unit + real-QEMU integration)"
	@echo "make image  - build the default guest image (cached by its inputs)"
	@echo "make bench  - benchmarks side by side with bare QEMU / libvirt"
	@echo "make bench-cli - virtlab list/dominfo processes against virsh's, and the daemon's reply time (bench/cli)"
	@echo "make bench-load - 16 and 64 clients reading from one daemon while it hot-plugs and migrates (bench/load)"
	@echo "make soak   - a busy 2-vCPU guest migrated back and forth 20 times (SOAK=N), every page checked"
	@echo "make fuzz   - every parser fed 100,000 generated inputs (VIRTLAB_FUZZ_ITER=N); table in .build/fuzz-report.md"
	@echo "make faults - every operation x every fault (QEMU killed/stopped, agent hung, daemon killed, disk full, state.db locked); table in .build/faults-report.md"

deps:
	@./scripts/install-deps.sh

image: deps
	@./guest/build-image.sh >/dev/null

build:
	@./virtlab --help >/dev/null

test: deps image
	@./scripts/run-tests.sh

unit-test:
	@./scripts/run-tests.sh unit

integration-test: deps image
	@./scripts/run-tests.sh integration

soak: deps image
	@./virtlab --help >/dev/null
	@VIRTLAB_SOAK_MIGRATIONS=$${SOAK:-20} dotnet test tests/Virtlab.IntegrationTests -nologo --logger "console;verbosity=normal" \
	  --filter "FullyQualifiedName~A_busy_two_vcpu_guest_migrated_back_and_forth"

# No QEMU needed: the parsers only. Each parser gets VIRTLAB_FUZZ_ITER inputs (the unit tests run 2,000).
fuzz:
	@mkdir -p .build
	@start=$$(date +%s); \
	VIRTLAB_FUZZ_ITER=$${VIRTLAB_FUZZ_ITER:-100000} VIRTLAB_FUZZ_HANG_SECONDS=2 VIRTLAB_FUZZ_REPORT=$(CURDIR)/.build/fuzz-report.md \
	  dotnet test tests/Virtlab.Fuzz.Tests -nologo --logger "console;verbosity=normal" --filter "FullyQualifiedName~ParserFuzzTests"; rc=$$?; \
	echo "make fuzz: $$(( $$(date +%s) - start )) s wall time" >> .build/fuzz-report.md; \
	cat .build/fuzz-report.md; exit $$rc

# Real QEMU: operation x fault on real guests, one column (fault) per test case; FAULTS=QemuKilled,DiskFull runs
# only those columns, VIRTLAB_FAULT_OPS=Create,Start only those rows. Exits non-zero if any cell fails.
faults: deps image
	@./virtlab --help >/dev/null
	@rm -rf .build/faults .build/faults-report.md .build/faults-bin; mkdir -p .build
	@cp -rL .build/current .build/faults-bin
	@start=$$(date +%s); \
	export VIRTLAB_TEST_CLI=$(CURDIR)/.build/faults-bin/cli/virtlab VIRTLAB_DAEMON=$(CURDIR)/.build/faults-bin/daemon/virtlabd VIRTLAB_LAB=$(CURDIR)/.build/faults-bin/lab/virtlab-lab; \
	filter="FullyQualifiedName~FaultMatrixTests"; \
	if [ -n "$${FAULTS:-}" ]; then filter="$$filter&($$(echo "$$FAULTS" | sed 's/\([A-Za-z]\+\)/DisplayName~\1/g; s/,/|/g'))"; fi; \
	CI=true dotnet test tests/Virtlab.IntegrationTests -nologo --logger "console;verbosity=normal" --filter "$$filter" -- xUnit.Explicit=only; rc=$$?; \
	[ -f .build/faults-report.md ] || { echo "make faults: no report (build failure?)"; exit 1; }; \
	echo "" >> .build/faults-report.md; echo "make faults: $$(( $$(date +%s) - start )) s wall time" >> .build/faults-report.md; \
	cat .build/faults-report.md; \
	if grep -q '\*\*FAIL\*\*' .build/faults-report.md; then exit 1; fi; exit $$rc

tour: deps image
	@./scripts/tour.sh

bench: deps image
	@./bench/boot/run.sh
	@./bench/cli/run.sh
	@./bench/load/run.sh

bench-cli: deps image
	@./bench/cli/run.sh

bench-load: deps image
	@./bench/load/run.sh

clean:
	rm -rf .build src/*/bin src/*/obj tests/*/bin tests/*/obj
