"""The README's chart: environmental attention (陈诗一 & 陈登科 2018 terms) of a few provinces
and of the State Council's report over the years, from a corpus store, drawn by matplotlib.

    .venv/bin/pip install -e '.[charts]'
    .venv/bin/python benchmarks/measures_chart.py --db /tmp/corpus.db -o benchmarks/measures_environment.png

The figures come from `Database.measures` (the same table `huibian measures` prints);
the panel behind the chart is written beside the image as CSV.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import huibian  # noqa: E402

PLACES = ["全国", "辽宁省", "山东省", "浙江省", "北京市", "河北省"]
FONTS = ["WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans CJK JP"]  # Debian fonts-wqy-microhei / fonts-noto-cjk


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("-o", "--output", type=Path, default=ROOT / "benchmarks" / "measures_environment.png")
    ap.add_argument("--places", default=",".join(PLACES))
    args = ap.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    have = {f.name for f in font_manager.fontManager.ttflist}
    fonts = [f for f in FONTS if f in have]
    if not fonts:
        sys.exit("no CJK font found: apt-get install fonts-wqy-microhei")
    plt.rcParams["font.family"] = fonts + ["DejaVu Sans"]
    places = [p.strip() for p in args.places.split(",") if p.strip()]
    with huibian.open(args.db) as db:
        df = db.measures("environment", region=places, level=None)
    df = df[df["level"].isin(["national", "province"])]
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=110)
    for place in places:
        sub = df[df["region"] == place].groupby("year")["per_10k_chars"].mean()
        if sub.empty:
            continue
        years = list(range(int(sub.index.min()), int(sub.index.max()) + 1))
        ax.plot(years, [sub.get(y) for y in years], marker="o", markersize=3.5, linewidth=1.6, label=place)
    ax.set_xlabel("report year")
    ax.set_ylabel("environment terms per 10,000 characters")
    ax.set_title("Environmental attention in government work reports (陈诗一、陈登科 2018 terms)", fontsize=11)
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(ncol=3, fontsize=9, frameon=False)
    fig.text(0.01, 0.01, "huibian measures --dict environment; corpus of 506 reports", fontsize=7, color="#666")
    fig.tight_layout()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.output)
    df.to_csv(args.output.with_suffix(".csv"), index=False)
    print(f"wrote {args.output} and {args.output.with_suffix('.csv')} ({len(df)} reports)", file=sys.stderr)


if __name__ == "__main__":
    main()
