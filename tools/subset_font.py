"""Make lib/actlab/fonts/ActlabGothic.ttf: a subset of NanumGothic for the course's figures.

    apt-get install fonts-nanum        # Debian's package, SIL Open Font License 1.1
    .venv/bin/python tools/subset_font.py [/usr/share/fonts/truetype/nanum/NanumGothic.ttf]

Kept: ASCII, Latin-1, Hangul jamo, compatibility jamo, all 11,172 Hangul syllables, CJK
punctuation, general punctuation, arrows and mathematical operators (the figures take Latin,
Greek and the minus sign U+2212 from DejaVu Sans first; this face is the fallback for Hangul).
Dropped: Hanja and hinting (figures are drawn as paths, so hinting is never used).

Why the new family name: a subset is a "Modified Version" under the OFL, which may not carry the
Reserved Font Names (Nanum, NanumGothic, ...), so the subset is renamed; the copyright and the
licence stay (OFL.txt beside the font).
"""
from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "lib" / "actlab" / "fonts" / "ActlabGothic.ttf"
FAMILY = "ActlabGothic"

RANGES = [
    (0x0020, 0x007E),  # ASCII
    (0x00A0, 0x00FF),  # Latin-1
    (0x1100, 0x11FF),  # Hangul jamo
    (0x2000, 0x206F),  # general punctuation
    (0x2190, 0x21FF),  # arrows
    (0x2200, 0x22FF),  # mathematical operators
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3130, 0x318F),  # Hangul compatibility jamo
    (0xAC00, 0xD7A3),  # Hangul syllables
]


def main(src: str = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf") -> None:
    font = TTFont(src)
    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.drop_tables += ["DSIG"]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[u for lo, hi in RANGES for u in range(lo, hi + 1)])
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6, 16):
            # Family, unique id, full name, PostScript name, typographic family: the new name.
            record.string = FAMILY if record.nameID != 3 else f"{FAMILY};subset of NanumGothic 3.021"
    font.save(OUT)
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size / 1e6:.2f} MB, {len(font.getBestCmap())} code points")


if __name__ == "__main__":
    main(*sys.argv[1:])
