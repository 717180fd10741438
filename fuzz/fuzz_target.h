// The contract every fuzz target in this folder implements: LLVMFuzzerTestOneInput takes one
// input of any bytes and must return 0 without crashing, hanging, leaking or tripping a
// sanitizer, whatever the input. Built two ways (see CMakeLists.txt): with clang and libFuzzer
// for `make fuzz`, and with the regular compiler and replay_main.cpp, which replays the saved
// seeds and regression inputs as part of `make test`.
//
// Thread safety: libFuzzer calls a target from one thread at a time.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
