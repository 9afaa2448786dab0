#!/usr/bin/env bash
# Print the path of `tesseract` (the OCR engine of src/govreport/readers/ocr/), installing Debian's
# `tesseract-ocr` and `tesseract-ocr-chi-sim` (simplified Chinese model) when either is missing.
# Exit 1 (with the reason on stderr) when it cannot be installed, e.g. no root or no network.
set -euo pipefail
has_chi_sim() {
    "$1" --list-langs 2>/dev/null | grep -qx chi_sim
}
if command -v tesseract >/dev/null 2>&1 && has_chi_sim "$(command -v tesseract)"; then
    command -v tesseract
    exit 0
fi
source "$(dirname "$0")/apt_install.sh"
apt_install ensure_tesseract tesseract-ocr tesseract-ocr-chi-sim
if ! has_chi_sim "$(command -v tesseract)"; then
    echo "ensure_tesseract: tesseract installed but its chi_sim model is not listed" >&2
    exit 1
fi
command -v tesseract
