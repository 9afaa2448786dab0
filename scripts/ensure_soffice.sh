#!/usr/bin/env bash
# Print the path of LibreOffice's `soffice`, installing Debian's
# `libreoffice-writer-nogui` and `libreoffice-calc-nogui` (.xls) (and `fonts-noto-cjk`) when none is present.
# Exit 1 (with the reason on stderr) when it cannot be installed, e.g. no root or no network.
set -euo pipefail
for candidate in soffice libreoffice; do
    if command -v "$candidate" >/dev/null 2>&1; then
        command -v "$candidate"
        exit 0
    fi
done
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_soffice: no soffice and no apt-get to install it" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "ensure_soffice: soffice missing and not root (cannot apt-get install)" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq >&2; then
    echo "ensure_soffice: apt-get update failed" >&2
    exit 1
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk >&2; then
    echo "ensure_soffice: apt-get install libreoffice-writer-nogui failed" >&2
    exit 1
fi
command -v soffice
