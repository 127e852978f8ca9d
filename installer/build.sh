#!/usr/bin/env bash
# Build the Linux one-folder bundle and its tarball.
#
#   installer/build.sh                 # a fresh build virtualenv in build/installer/venv
#   installer/build.sh --python PY     # use PY's environment (e.g. .venv/bin/python)
#
# Writes dist/outreach/ (run dist/outreach/outreach) and
# dist/outreach-<version>-linux-x86_64.tar.gz. Needs the Noto fonts on the build machine
# (Debian/Ubuntu: fonts-noto-core, installed here with apt-get when missing).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=$ROOT/build/installer
PYTHON=""
while [ $# -gt 0 ]; do
  case "$1" in
    --python) PYTHON=$2; shift 2 ;;
    *) echo "usage: $0 [--python PYTHON]" >&2; exit 2 ;;
  esac
done
mkdir -p "$BUILD"

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 0
  local missing=()
  for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "Installing build packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
apt_install fonts-noto-core binutils

if [ -z "$PYTHON" ]; then
  VENV=$BUILD/venv
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  PYTHON=$VENV/bin/python
  "$PYTHON" -m pip install -q --upgrade pip
fi
"$PYTHON" -m pip install -q -e ".[installer]"

# PyInstaller needs the shared libpython; Debian's python3 keeps it in its own package.
if [ "$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_config_var("Py_ENABLE_SHARED"))')" != 1 ]; then
  apt_install "libpython$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
fi

VERSION=$("$PYTHON" -c 'import outreach; print(outreach.__version__)')
echo "== Outreach $VERSION: catalogues, fonts, bundle"
if ! out=$("$PYTHON" scripts/i18n.py compile 2>&1); then echo "$out" >&2; exit 1; fi
"$PYTHON" installer/collect_fonts.py "$BUILD/fonts"
OUTREACH_BUNDLE_FONTS=$BUILD/fonts "$PYTHON" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$ROOT/dist" --workpath "$BUILD/work" installer/outreach.spec

# The spec leaves out PyInstaller's pkgutil hook: nothing may need it.
users=$(grep -rl --include='*.pyc' -e iter_modules -e walk_packages dist/outreach/_internal \
  | grep -v -e '/_internal/pkgutil.pyc$' -e '/_internal/pydoc.pyc$' || true)
if [ -n "$users" ]; then
  echo "These modules list packages with pkgutil: put pyi_rth_pkgutil back in installer/outreach.spec" >&2
  echo "$users" >&2
  exit 1
fi

# Debug information is an eighth of the bundle (libpython alone carries 17 MB of it).
# Strip it, but leave the libraries auditwheel repaired (the *.libs folders) alone:
# strip can damage files patchelf has rewritten.
find dist/outreach -type f -name '*.so*' -not -path '*.libs/*' -exec strip --strip-debug {} +

cp installer/outreach.desktop installer/INSTALL-linux.txt dist/outreach/
TARBALL=dist/outreach-$VERSION-linux-x86_64.tar.gz
tar -C dist -czf "$TARBALL" outreach
echo "== Bundle: dist/outreach ($(du -sh dist/outreach | cut -f1)), tarball: $TARBALL ($(du -sh "$TARBALL" | cut -f1))"
