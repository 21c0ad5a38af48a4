# Virtlab: the two commands are `make tour` and `make test`. Each installs what it needs
# (Debian packages, the guest image, the build) and is quick when that is already done.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help deps image build test unit-test integration-test tour bench clean

help:
	@echo "make tour   - a tour of the talk on a real guest (installs what it needs)"
	@echo "make test   - all tests (unit + real-QEMU integration)"
	@echo "make image  - build the default guest image (cached by its inputs)"
	@echo "make bench  - benchmarks side by side with bare QEMU / libvirt"

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

tour: deps image
	@./scripts/tour.sh

bench: deps image
	@./bench/boot/run.sh

clean:
	rm -rf .build src/*/bin src/*/obj tests/*/bin tests/*/obj
