// Only the header is needed; libFuzzer itself comes from `-sanitize=fuzzer`.
