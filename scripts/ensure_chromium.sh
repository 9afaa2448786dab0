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
if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: no chromium and no apt-get to install it" >&2
    exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "ensure_chromium: chromium missing and not root (cannot apt-get install)" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq >&2; then
    echo "ensure_chromium: apt-get update failed" >&2
    exit 1
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-noto-cjk >&2; then
    echo "ensure_chromium: apt-get install chromium failed" >&2
    exit 1
fi
command -v chromium
