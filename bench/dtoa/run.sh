#!/bin/sh
# Builds and runs the double -> text micro benchmark (release, outside SwiftPM).
set -e
cd "$(dirname "$0")/../.."
out=${TMPDIR:-/tmp}/prepline-dtoa-bench
swiftc -O -package-name prepline Sources/PreplineCore/Numbers/NumberText.swift \
    Sources/PreplineCore/Numbers/ShortestDouble.swift Sources/PreplineCore/Numbers/ShortestDoubleTable.swift \
    bench/dtoa/main.swift -o "$out"
"$out"
