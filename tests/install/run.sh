#!/bin/sh
# The install test: paiban as an integrator gets it.  A copy of the source
# tree is configured for a temporary prefix, built and installed with
# `cmake --install`; then the copy and the build are deleted, and from an
# unrelated folder, with nothing but the prefix and the system on the
# search paths:
#   - the installed paiban renders the installed sample (and --version,
#     the man pages and bash completion are there);
#   - `pkg-config --cflags --libs paiban` compiles and links
#     examples/embed.c, which renders bytes to bytes (with the shared and
#     with the static library);
#   - a CMake project with find_package(paiban) does the same;
#   - the Python ctypes example renders a PDF;
#   - the libraries export only pb_ names.
# usage: tests/install/run.sh [WORKDIR]     (default: a temporary folder)
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/paiban-install.XXXXXX")}
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }

# ---- build and install from a copy of the source tree ------------------------
src=$work/src build=$work/build prefix=$work/prefix
mkdir -p "$src"
(cd "$root" && git ls-files -co --exclude-standard -z | xargs -0 tar cf - 2> /dev/null) |
  (cd "$src" && tar xf -)
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  -DCMAKE_INSTALL_PREFIX="$prefix" > "$work/configure.log" 2>&1 ||
  { cat "$work/configure.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" > "$work/build.log" 2>&1 || { tail -40 "$work/build.log"; exit 1; }
cmake --install "$build" > "$work/install.log" 2>&1 || { cat "$work/install.log"; exit 1; }
rm -rf "$src" "$build"
set +e # from here each check counts on its own

for f in bin/paiban lib/libpaiban.so lib/libpaiban.a include/paiban.h lib/pkgconfig/paiban.pc \
  lib/cmake/paiban/paibanConfig.cmake lib/cmake/paiban/paibanConfigVersion.cmake \
  share/paiban/layouts/gbt9704.json share/paiban/layouts/gov-info-annual-2021.json \
  share/paiban/layouts/schema/report.schema.json share/paiban/layouts/schema/layout.schema.json \
  share/paiban/fonts/catalog.json share/paiban/fonts/fonts.conf \
  share/paiban/samples/nangang-2021.json share/man/man1/paiban.1.gz share/man/man5/paiban.5.gz \
  share/bash-completion/completions/paiban share/doc/paiban/examples/embed.c \
  share/doc/paiban/examples/CMakeLists.txt share/doc/paiban/examples/python/paiban.py; do
  check "installed: $f" '[ -e "$prefix/$f" ]'
done
check "libpaiban.so has its SONAME and version" \
  'readelf -d "$prefix"/lib/libpaiban.so | grep -q "SONAME.*libpaiban\.so\.0\.[0-9]*\]" &&
   [ -e "$prefix/lib/libpaiban.so.$(sed -n "s/^#define PB_VERSION_MAJOR //p" "$prefix/include/paiban.h").$(sed -n "s/^#define PB_VERSION_MINOR //p" "$prefix/include/paiban.h")" ]'
check "nothing installed refers to the (deleted) source or build tree" \
  '! grep -rlF "$src" "$prefix" > /dev/null && ! grep -rlF "$build" "$prefix" > /dev/null'

# Only the prefix and the system from here on, in a folder of our own.
run=$work/elsewhere
mkdir -p "$run"
cd "$run"
clean_env() {
  env -i PATH="$prefix/bin:/usr/bin:/bin" HOME="$work/home" \
    PKG_CONFIG_PATH="$prefix/lib/pkgconfig" "$@"
}
mkdir -p "$work/home"
sample=$prefix/share/paiban/samples/nangang-2021.json

# ---- the program ---------------------------------------------------------------
clean_env paiban --version > version.txt
check "paiban --version" 'grep -Eq "^paiban [0-9]+\.[0-9]+\.[0-9]+$" version.txt'
clean_env paiban render "$sample" -o sample.pdf 2> render.err
check "the installed paiban renders the installed sample" \
  '[ $? = 0 ] && pdftotext sample.pdf - | grep -q "政府信息公开工作年度报告" && qpdf --check sample.pdf > /dev/null'
clean_env paiban render "$sample" -l nosuch -o nosuch.pdf 2> nosuch.err
check "its data folder is the prefix's" \
  'grep -qF "no layout \"nosuch\" (no file $prefix/share/paiban/layouts/nosuch.json)" nosuch.err'
clean_env paiban check "$sample" > check.txt 2>&1
check "paiban check on the installed sample" '[ $? = 0 ] && grep -q "checks" check.txt'
check "man paiban and man 5 paiban" \
  'zcat "$prefix/share/man/man1/paiban.1.gz" | grep -q "^\.TH PAIBAN 1" &&
   zcat "$prefix/share/man/man5/paiban.5.gz" | grep -q "^\.TH PAIBAN 5"'
completion=$(clean_env bash -c '. "$1"; COMP_WORDS=(paiban re); COMP_CWORD=1; _paiban
  echo "${COMPREPLY[*]}"' _ "$prefix/share/bash-completion/completions/paiban")
check "bash completion of the installed program" '[ "$completion" = render ]'

# ---- pkg-config -----------------------------------------------------------------
embed=$prefix/share/doc/paiban/examples/embed.c
flags=$(clean_env pkg-config --cflags --libs paiban)
libdir=$(clean_env pkg-config --variable=libdir paiban)
# shellcheck disable=SC2086
clean_env cc "$embed" $flags -Wl,-rpath,"$libdir" -o embed 2> cc.err
check "pkg-config --cflags --libs paiban compiles and links embed.c" '[ -x embed ]'
# shellcheck disable=SC2086
clean_env cc -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only $flags "$embed"
check "paiban.h stands alone: C99, -pedantic, no warning" '[ $? = 0 ]'
if command -v c++ > /dev/null; then
  printf '#include <paiban.h>\nint main() { pb_options_free(pb_options_new()); }\n' > cxx.cc
  # shellcheck disable=SC2086
  clean_env c++ -Wall -Wextra -Werror cxx.cc $flags -Wl,-rpath,"$libdir" -o cxx
  check "paiban.h in C++" '[ $? = 0 ] && ./cxx'
fi
clean_env ./embed "$sample" embed.pdf > embed.out 2> embed.err
check "embed renders bytes to bytes" \
  '[ $? = 0 ] && cmp -s sample.pdf embed.pdf'
printf '{"meta": {}, "body": []}' > bad.json
clean_env ./embed bad.json bad.pdf > /dev/null 2> embed-bad.err
check "embed gets the messages of a bad report through its callback, and status 3" \
  '[ $? = 3 ] && grep -q "^\[bad.json\] error: bad.json: meta: missing required key \"title\"$" embed-bad.err'
static=$(clean_env pkg-config --static --libs paiban | sed 's/-lpaiban//')
# shellcheck disable=SC2086
clean_env cc "$embed" $(clean_env pkg-config --cflags paiban) "$libdir/libpaiban.a" $static \
  -o embed_static 2> cc-static.err
clean_env ./embed_static "$sample" static.pdf > /dev/null 2>&1
check "the static library links with pkg-config --static and renders" \
  '[ $? = 0 ] && cmp -s sample.pdf static.pdf'
check "embed_static does not need libpaiban.so" '! readelf -d embed_static | grep -q libpaiban'

# ---- CMake find_package -----------------------------------------------------------
clean_env cmake -S "$prefix/share/doc/paiban/examples" -B cmake-build \
  -DCMAKE_PREFIX_PATH="$prefix" > cmake.log 2>&1 &&
  clean_env cmake --build cmake-build >> cmake.log 2>&1
check "a CMake project with find_package(paiban) builds" \
  '[ -x cmake-build/embed ] && [ -x cmake-build/embed_static ]' || cat cmake.log
clean_env cmake-build/embed "$sample" cmake.pdf > /dev/null 2>&1
check "and renders with paiban::paiban" '[ $? = 0 ] && cmp -s sample.pdf cmake.pdf'
clean_env cmake-build/embed_static "$sample" cmake-static.pdf > /dev/null 2>&1
check "and with paiban::paiban_static" '[ $? = 0 ] && cmp -s sample.pdf cmake-static.pdf'

# ---- Python, ctypes ---------------------------------------------------------------
clean_env python3 "$prefix/share/doc/paiban/examples/python/paiban.py" "$sample" py.pdf \
  > py.out 2> py.err
check "the ctypes example renders a PDF" '[ $? = 0 ] && cmp -s sample.pdf py.pdf' || cat py.err
clean_env python3 "$prefix/share/doc/paiban/examples/python/paiban.py" bad.json bad.pdf \
  > /dev/null 2> py-bad.err
check "the ctypes example reports a bad report with its messages and status 3" \
  '[ $? = 3 ] && grep -q "bad.json: meta: missing required key \"title\"" py-bad.err'

# ---- symbols ------------------------------------------------------------------------
exported=$(nm -D --defined-only "$prefix/lib/libpaiban.so" | awk '{print $3}' | grep -v '^pb_' || true)
check "nm -D libpaiban.so shows only pb_ symbols" '[ -z "$exported" ]' || echo "$exported" | head
global=$(nm -g --defined-only "$prefix/lib/libpaiban.a" | awk 'NF == 3 {print $3}' | grep -v '^pb_' || true)
check "libpaiban.a defines no global symbol but pb_ ones" '[ -z "$global" ]' || echo "$global" | head

echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && rm -rf "$work"
[ "$failed" = 0 ]
