#!/usr/bin/env bash
# Print the path of a headless-capable Chromium, installing Debian's `chromium`
# package when none is present. Exit 1 (with the reason on stderr) when it
# cannot be installed, e.g. no root or no network.
set -euo pipefail
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then
        command -v "$candidate"
        exit 0
    fi
done
source "$(dirname "$0")/apt_install.sh"
apt_install ensure_chromium chromium fonts-noto-cjk
command -v chromium
