#!/bin/sh
# Hadoop Streaming mapper for `prepline fit --partial` (docs/distributed.md).
# stdin: input paths, one a line (NLineInputFormat may put "OFFSET<TAB>" before each: dropped).
# stdout: one line "KEY<TAB>PART", KEY the task's first path, so that the shuffle's sort hands the
# reducer the parts in data order: name the inputs so their paths sort in data order
# (part-00000.csv, part-00001.csv, ...). SPEC names the spec (shipped with -files); PREPLINE the binary;
# PASS_STATE, when set, the pass state of the previous round's reducer (a spec that needs another fit pass).
set -e
tab=$(printf '\t')
paths=$(sed -e "s/^.*$tab//" -e '/^[[:space:]]*$/d')
[ -n "$paths" ] || exit 0
key=$(printf '%s\n' "$paths" | head -n 1)
part=$(printf '%s\n' "$paths" | "${PREPLINE:-prepline}" fit "${SPEC:?set SPEC to the spec file}" --partial ${PASS_STATE:+--pass-state "$PASS_STATE"} --input-list - -o - -q --threads 1)
printf '%s\t%s\n' "$key" "$part"
