# Entry points: `make run` and `make test` work on a fresh Debian 12 machine; each installs what
# is missing first (scripts/setup.sh is idempotent and quick when nothing is missing).
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
# Tests wait on child processes, sockets and polling as much as they compute: two per core.
TEST_JOBS ?= $(shell echo $$(( $(JOBS) * 2 )))
DATA ?= ./agora-data
LISTEN ?= 127.0.0.1:8081
FUZZ_SECONDS ?= 60

.PHONY: setup build run cluster test test-sanitize fuzz bench clean

setup:
	@bash scripts/setup.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja

build: setup $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/agora serve --data $(DATA) --listen $(LISTEN)

# Three servers on PostgreSQL behind nginx, on this machine, until Ctrl-C (see scripts/cluster.py).
CLUSTER_LISTEN ?= 127.0.0.1:8080
cluster: build
	python3 scripts/cluster.py --listen $(CLUSTER_LISTEN) --agora $(BUILD_DIR)/agora

# Every unit and end-to-end test, and a replay of every saved fuzz input (built with gcc). The
# libFuzzer runs themselves need a second, instrumented clang build of nearly every library: that
# is `make fuzz`, kept out of `make test` to hold it under 30 minutes on two cores.
test: build
	cd tests/spec_agreement && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	cd tests/cli && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	cd tests/portal && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	cd tests/s3 && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(TEST_JOBS)

test-sanitize: setup
	cmake -S . -B build-sanitize -G Ninja -DAGORA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-sanitize -j $(JOBS)
	cd build-sanitize && ctest --output-on-failure -j $(JOBS)

# libFuzzer targets (clang): each runs FUZZ_SECONDS from its seeds; see fuzz/README.md.
fuzz: setup
	bash scripts/fuzz.sh $(FUZZ_SECONDS)

# The six scenarios of issue 6 against agora and its comparators (nginx, wrk, Verdaccio: installed
# by bench/run itself), in a release build of its own; writes bench/results/ and README's table.
bench:
	bash bench/run

clean:
	rm -rf $(BUILD_DIR) build-sanitize build-fuzz build-release
