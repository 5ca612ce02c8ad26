#!/bin/sh
# The package test: the .deb is built with cpack, lists what
# `cmake --install` puts, depends on the Debian packages of the libraries
# paiban links and those it loads on first use, and recommends the free
# fonts; `apt-get install ./….deb`
# installs it, the installed paiban renders the installed sample and a
# program builds against the installed library with pkg-config; `dpkg -r`
# removes it, leaving nothing of it.  Installs into /usr: needs root (or
# sudo), and is meant for CI's fresh machine.
# usage: tests/package/run.sh [WORKDIR]
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/paiban-package.XXXXXX")}
rm -rf "$work" && mkdir -p "$work"
work=$(cd "$work" && pwd)
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
passed=0 failed=0
check() { if eval "$2"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAIL: $1"; fi; }

if dpkg-query -W -f='${Status}' paiban 2> /dev/null | grep -q "install ok installed"; then
  echo "paiban is installed already: this test installs and removes it, so it stops here"
  exit 1
fi

# ---- build ----------------------------------------------------------------------
build=$work/build
cmake -S "$root" -B "$build" -DCMAKE_INSTALL_PREFIX=/usr -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBUILD_TESTING=OFF > "$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
cmake --build "$build" -j"$(nproc)" > "$work/build.log" 2>&1 || { tail -40 "$work/build.log"; exit 1; }
(cd "$build" && cpack -G DEB > "$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
arch=$(dpkg --print-architecture)
deb=$build/paiban_${version}_$arch.deb
set +e # from here each check counts on its own
check "cpack made $(basename "$deb")" '[ -s "$deb" ]'

# ---- what is in it ----------------------------------------------------------------
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$work/contents"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2> /dev/null || echo "$(uname -m)-linux-gnu")
lib=/usr/lib/$multiarch
for f in /usr/bin/paiban "$lib/libpaiban.so" "$lib/libpaiban.so.0.${version#0.}" "$lib/libpaiban.a" \
  /usr/include/paiban.h "$lib/pkgconfig/paiban.pc" "$lib/cmake/paiban/paibanConfig.cmake" \
  /usr/share/paiban/layouts/gbt9704.json /usr/share/paiban/layouts/gov-info-annual-2021.json \
  /usr/share/paiban/layouts/schema/report.schema.json /usr/share/paiban/fonts/catalog.json \
  /usr/share/paiban/fonts/fonts.conf /usr/share/paiban/samples/nangang-2021.json \
  /usr/share/man/man1/paiban.1.gz /usr/share/man/man5/paiban.5.gz \
  /usr/share/bash-completion/completions/paiban /usr/share/doc/paiban/examples/embed.c; do
  check "dpkg-deb -c lists $f" 'grep -qx "$f" "$work/contents"'
done
depends=$(dpkg-deb -f "$deb" Depends)
for p in libharfbuzz0b libharfbuzz-subset0 libfreetype6 libfontconfig1 libcjson1 libhpdf libicu libxml2 libzip libpng16-16 libssl3 zlib1g \
    libdeflate0; do
  check "Depends names $p" 'echo "$depends" | grep -q "$p"'
done
check "Depends names the libraries loaded on first use, with versions" \
  'echo "$depends" | grep -q "libssl3 (>= 3" && echo "$depends" | grep -q "libxml2 (>= " &&
   echo "$depends" | grep -q "libzip4 (>= "'
check "Recommends the free fonts" 'dpkg-deb -f "$deb" Recommends | grep -q "fonts-noto-cjk"'
check "the shared library is declared for dpkg-shlibdeps (shlibs)" \
  'dpkg-deb --ctrl-tarfile "$deb" | tar xO ./shlibs | grep -q "^libpaiban "'

# ---- install, use -------------------------------------------------------------------
cp "$deb" "$work/"
(cd "$work" && DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 \
  install -y "./$(basename "$deb")") > "$work/apt.log" 2>&1
check "apt-get install ./$(basename "$deb")" '[ $? = 0 ]' || tail -20 "$work/apt.log"
cd "$work" || exit 1
check "paiban --version" '[ "$(paiban --version)" = "paiban $version" ]'
check "/usr/bin/paiban is the package's" '[ "$(command -v paiban)" = /usr/bin/paiban ] &&
  dpkg -S /usr/bin/paiban | grep -q "^paiban:"'
paiban render /usr/share/paiban/samples/nangang-2021.json -o sample.pdf 2> render.err
check "the installed paiban renders the installed sample" \
  '[ $? = 0 ] && pdftotext sample.pdf - | grep -q "政府信息公开工作年度报告" && qpdf --check sample.pdf > /dev/null'
paiban render /usr/share/paiban/samples/nangang-2021.json -l nosuch -o x.pdf 2> nosuch.err
check "its data folder is /usr/share/paiban" \
  'grep -qF "(no file /usr/share/paiban/layouts/nosuch.json)" nosuch.err'
check "man paiban" 'zcat /usr/share/man/man1/paiban.1.gz | grep -q "^\.TH PAIBAN 1"'
# shellcheck disable=SC2046
cc /usr/share/doc/paiban/examples/embed.c $(pkg-config --cflags --libs paiban) -o embed 2> cc.err &&
  ./embed /usr/share/paiban/samples/nangang-2021.json embed.pdf > /dev/null 2>&1
check "a program built with pkg-config against the package renders bytes to bytes" \
  '[ $? = 0 ] && cmp -s sample.pdf embed.pdf'
# libcrypto, libxml2 and libzip are loaded when first needed, not linked
check "libpaiban.so does not link libcrypto, libxml2 or libzip" \
  '! readelf -d "$lib/libpaiban.so" | grep -E "NEEDED.*(libcrypto|libxml2|libzip)"'
paiban import "$root/tests/import/fixtures/own-table.html" -o page.json > /dev/null 2> import.err
check "the installed paiban imports a web page (libxml2 loaded on first use)" \
  '[ $? = 0 ] && grep -q "\"body\"" page.json' || cat import.err
paiban import "$root/tests/import/fixtures/docx/variants.docx" -o docx.json > /dev/null 2> docx.err
check "and a Word document (libzip)" '[ $? = 0 ] && [ -s docx.json ]' || cat docx.err
paiban verify sample.pdf > verify.out 2> verify.err
check "the installed paiban verifies (libcrypto loaded on first use): an unsigned file is 9" \
  '[ $? = 9 ] && ! grep -q "cannot be loaded" verify.err'

# ---- remove ----------------------------------------------------------------------------
$SUDO dpkg -r paiban > "$work/remove.log" 2>&1
check "dpkg -r paiban" '[ $? = 0 ]' || cat "$work/remove.log"
check "nothing of the package is left" \
  '! dpkg-query -W -f="\${Status}" paiban 2> /dev/null | grep -q "install ok installed" &&
   [ ! -e /usr/bin/paiban ] && [ ! -e /usr/share/paiban ] && [ ! -e /usr/include/paiban.h ] &&
   [ ! -e "$lib/libpaiban.so.0.${version#0.}" ] && [ ! -e /usr/share/doc/paiban ]'
$SUDO dpkg -P paiban > /dev/null 2>&1

echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && rm -rf "$work"
[ "$failed" = 0 ]
