#!/usr/bin/env bash
# Sourced by the scripts/ensure_*.sh scripts: `apt_install NAME PACKAGE...` installs Debian packages with
# apt-get (as root, or through passwordless sudo), or prints why it cannot on stderr and exits 1.
apt_install() {
    local name="$1"
    shift
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "$name: missing, and no apt-get to install $*" >&2
        exit 1
    fi
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo="sudo -n"
        else
            echo "$name: missing and not root (cannot apt-get install $*)" >&2
            exit 1
        fi
    fi
    export DEBIAN_FRONTEND=noninteractive
    if ! $sudo apt-get update -qq >&2; then
        echo "$name: apt-get update failed" >&2
        exit 1
    fi
    if ! $sudo apt-get install -y -qq --no-install-recommends "$@" >&2; then
        echo "$name: apt-get install $* failed" >&2
        exit 1
    fi
}
