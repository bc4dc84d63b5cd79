#!/usr/bin/env bash
# Opens an infoscope report in headless Chromium, fails if the page logs any console error,
# uncaught exception, error log entry or request to an http(s) URL, and writes a full-page
# screenshot.
#
#   scripts/check_report_browser.sh REPORT_HTML OUT_PNG   check a report
#   scripts/check_report_browser.sh --self-test           prove the check catches errors
#
# Needs python3 (standard library only) and Chromium (Debian: apt-get install -y chromium;
# another binary via CHROMIUM=/path). Extra options are passed on to scripts/browser/cdp_check.py
# (--width PX, --clip-top PX --clip-height PX for one part of a long page).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
if ! command -v "$chromium" >/dev/null 2>&1; then
    echo "error: Chromium not found at $chromium (Debian: apt-get install -y chromium, or set CHROMIUM)" >&2
    exit 2
fi
if ! command -v python3 >/dev/null 2>&1; then
    echo "error: python3 is needed to drive Chromium" >&2
    exit 2
fi
if [[ $# -lt 1 ]]; then
    echo "usage: $0 REPORT_HTML OUT_PNG [options] | --self-test" >&2
    exit 2
fi
exec timeout 120 python3 "$here/browser/cdp_check.py" --chromium "$chromium" "$@"
