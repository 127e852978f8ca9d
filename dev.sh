#!/usr/bin/env bash
# Outreach developer entry point.
#   ./dev.sh run    install everything (system packages too) and start the app
#   ./dev.sh test   install everything and run the test suite
#   ./dev.sh setup  install only
# System packages are installed with apt-get when it is available (as root, or through
# sudo); elsewhere install the equivalents yourself (Noto fonts, poppler-utils, Xvfb, unzip).
set -euo pipefail
cd "$(dirname "$0")"

VENV=${OUTREACH_VENV:-.venv}
APT_PACKAGES=(
  python3-venv fonts-noto-core fonts-dejavu-core poppler-utils sqlite3 unzip
  xvfb xauth libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0
  libxcb-xkb1 libxkbcommon-x11-0 libxcb-randr0 libxcb-shape0 libxcb-cursor0
  libegl1 libgl1 libfontconfig1 libdbus-1-3
)

install_system() {
  command -v apt-get >/dev/null 2>&1 || return 0
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "Installing system packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_python() {
  [ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -e ".[dev]"
}

setup() {
  install_system
  install_python
}

case "${1:-run}" in
  setup)
    setup
    ;;
  run)
    setup
    shift || true
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
      echo "No display found: starting the app on a virtual screen (xvfb-run)."
      exec xvfb-run -a "$VENV/bin/outreach" "$@"
    fi
    exec "$VENV/bin/outreach" "$@"
    ;;
  test)
    setup
    shift || true
    export QT_QPA_PLATFORM=offscreen
    exec "$VENV/bin/python" -m pytest "$@"
    ;;
  *)
    echo "usage: $0 [run|test|setup] [args...]" >&2
    exit 2
    ;;
esac
