# Entry points: `make run` and `make test` work on a fresh Debian 12 machine; each installs what
# is missing first (scripts/setup.sh is idempotent and quick when nothing is missing).
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
DATA ?= ./agora-data
LISTEN ?= 127.0.0.1:8081

.PHONY: setup build run test test-sanitize clean

setup:
	@bash scripts/setup.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja

build: setup $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/agora serve --data $(DATA) --listen $(LISTEN)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

test-sanitize: setup
	cmake -S . -B build-sanitize -G Ninja -DAGORA_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
	cmake --build build-sanitize -j $(JOBS)
	cd build-sanitize && ctest --output-on-failure -j $(JOBS)

clean:
	rm -rf $(BUILD_DIR) build-sanitize
