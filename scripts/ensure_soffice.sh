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
source "$(dirname "$0")/apt_install.sh"
apt_install ensure_soffice libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk
command -v soffice
