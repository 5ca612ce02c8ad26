#!/bin/sh
# One command from a fresh Debian 12 machine to a rendered sample:
# installs the packages paiban needs, builds it, renders the sample report.
set -eu
cd "$(dirname "$0")/.."

PACKAGES="cmake gcc make pkg-config
  libhpdf-dev libharfbuzz-dev libfreetype-dev libfontconfig-dev fontconfig libcjson-dev
  libicu-dev zlib1g-dev libdeflate-dev libpng-dev libssl-dev
  libxml2-dev libzip-dev python3-jsonschema
  fonts-noto-cjk fonts-noto-core fonts-arphic-uming fonts-arphic-ukai fonts-lxgw-wenkai
  texlive-lang-chinese
  poppler-utils qpdf mupdf-tools unicode-data liblcms2-utils libnss3-tools openssl"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
fi

# The pdf.js test needs node and npm; a machine may have them from
# elsewhere than Debian, so the commands are looked for, not the packages.
if ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends nodejs npm
fi

cmake -S . -B build ${PAIBAN_CMAKE_FLAGS:-}
cmake --build build -j"$(nproc)"
mkdir -p out
build/paiban render samples/nangang-2021.json -o out/nangang-2021.pdf
echo "rendered out/nangang-2021.pdf"
