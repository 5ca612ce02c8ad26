#!/bin/sh
# Installs Typst from npm (@myriaddreamin/typst-ts-node-compiler) into a
# folder outside the repository, where bench/run.sh finds it to time Typst
# on the sample report.  Needs node and npm (Debian: nodejs npm).
# usage: bench/install-typst.sh [DIR]   (default ~/.cache/paiban-bench/typst)
set -eu
dir=${1:-${TYPST_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/paiban-bench/typst}}
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --no-save @myriaddreamin/typst-ts-node-compiler
echo "Typst installed in $dir; bench/run.sh looks there (or set TYPST_DIR=$dir)"
