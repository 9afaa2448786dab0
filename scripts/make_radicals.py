"""Regenerate src/govreport/catalog/radicals.csv: CJK radicals -> the unified ideograph they stand for.

PDF fonts often emit a radical code point (⺠ U+2EA0) where the text means the ideograph (民 U+6C11),
so one agency gets two names and labels stop matching. The mapping is Unicode's
Equivalent_Unified_Ideograph property (EquivalentUnifiedIdeograph.txt), read here through Perl's
Unicode::UCD, which ships it: Kangxi Radicals, CJK Radicals Supplement and CJK Strokes.
    python scripts/make_radicals.py
"""
import csv
import subprocess
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "govreport" / "catalog" / "radicals.csv"
PERL = r'''
use Unicode::UCD qw(charprop);
binmode STDOUT, ":utf8";
for my $c (0x2E80..0x2FDF, 0x31C0..0x31EF) {
    my $v = charprop($c, "Equivalent_Unified_Ideograph");
    printf "%04X\t%04X\n", $c, ord($v) if defined $v && length $v;
}
'''


def main() -> None:
    out = subprocess.run(["perl", "-e", PERL], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines():
        src, dst = (int(x, 16) for x in line.split("\t"))
        rows.append(dict(codepoint=f"U+{src:04X}", char=chr(src), ideograph=chr(dst), ideograph_codepoint=f"U+{dst:04X}"))
    with open(OUT, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} radicals -> {OUT}")


if __name__ == "__main__":
    main()
