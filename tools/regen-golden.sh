#!/bin/sh
# Regenerates the golden dumps of the samples and test fixtures; review the
# result with `git diff tests/golden` before committing it.
set -eu
cd "$(dirname "$0")/.."
for report in samples/*.json tests/fixtures/*.json; do
  name=$(basename "$report" .json)
  build/paiban render "$report" --dump "tests/golden/$name.dump"
done
git diff --stat tests/golden || true
