// libFuzzer's entry point for programs that keep their own `main` (SwiftPM names an executable's
// `main` after its module, so libFuzzer's `main` cannot be used; see Fuzz/README.md).
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
