"""Copy the fonts every content script needs, with their licence, into a bundle folder.

Reads resources/leaflets/fonts.toml and copies, for each script, the first regular and
bold candidates (the Noto fonts) from the build machine's font folders. No font file is
kept in git; on Debian/Ubuntu they come from the fonts-noto-core package.

    python installer/collect_fonts.py OUT_DIR [--font-dir DIR ...]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FONTS_TOML = ROOT / "resources" / "leaflets" / "fonts.toml"
DEFAULT_DIRS = [Path("/usr/share/fonts"), Path("/usr/local/share/fonts")]
# Where Debian keeps the licence of the Noto fonts (SIL Open Font License 1.1).
LICENCE_FILES = [
    Path("/usr/share/doc/fonts-noto-core/copyright"),
    Path("/usr/share/doc/fonts-noto/copyright"),
]


def wanted_files() -> list[str]:
    """The first regular and bold candidate of every script in fonts.toml."""
    with FONTS_TOML.open("rb") as fh:
        table = tomllib.load(fh)
    table.pop("arabic_style", None)
    names: list[str] = []
    for entry in table.values():
        for style in ("regular", "bold"):
            name = entry[style][0]
            if name not in names:
                names.append(name)
    return names


def index(dirs: list[Path]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in dirs:
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    found.setdefault(path.name.lower(), path)
    return found


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--font-dir", type=Path, action="append", default=[])
    parser.add_argument("--licence", type=Path, help="the fonts' licence file to ship")
    args = parser.parse_args(argv)
    files = index(args.font_dir + DEFAULT_DIRS)
    missing = [name for name in wanted_files() if name.lower() not in files]
    if missing:
        print(
            "collect_fonts: not found: " + ", ".join(missing) + ".\n"
            "Install the Noto fonts (Debian/Ubuntu: apt-get install fonts-noto-core) "
            "or name a folder holding them with --font-dir.",
            file=sys.stderr,
        )
        return 1
    licence = args.licence or next((p for p in LICENCE_FILES if p.is_file()), None)
    if licence is None or not licence.is_file():
        print("collect_fonts: the fonts' licence file was not found; name it with --licence.",
              file=sys.stderr)  # fmt: skip
        return 1
    if args.out.exists():
        shutil.rmtree(args.out)
    args.out.mkdir(parents=True)
    lines = ["Fonts shipped for printed leaflets (see resources/leaflets/fonts.toml).", ""]
    total = 0
    for name in wanted_files():
        source = files[name.lower()]
        shutil.copy2(source, args.out / name)
        total += source.stat().st_size
        lines.append(f"{name}  ({source.stat().st_size // 1024} KB)")
    shutil.copyfile(licence, args.out / "LICENSE-fonts.txt")
    lines += ["", "Licence: SIL Open Font License 1.1, see LICENSE-fonts.txt."]
    (args.out / "README.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"collect_fonts: {len(wanted_files())} files, {total // 1024} KB -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
