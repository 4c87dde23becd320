#!/bin/sh
# Hadoop Streaming reducer for `prepline merge` (docs/distributed.md): one reducer
# (-numReduceTasks 1) gets every "KEY<TAB>PART" line in key order; merge drops the key and the tab
# and writes the fitted spec (or, for a spec that needs another fit pass, a pass state: see stderr).
exec "${PREPLINE:-prepline}" merge - -o - -q
