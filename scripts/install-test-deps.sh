#!/usr/bin/env bash
# System packages the test suite uses, from Debian: Prometheus (a real server the exporter tests
# start on 127.0.0.1, with promtool to backfill history) and Chromium (headless, for the HTML report tests). Idempotent; needs root (or sudo).
set -euo pipefail
packages=()
command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || packages+=(prometheus)
command -v chromium >/dev/null 2>&1 || packages+=(chromium)
if [ "${#packages[@]}" -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi
