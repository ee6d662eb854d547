"""Place strings found in a head → region chains: 锦州市古塔区 → [(锦州市, city), (古塔区, district)]."""

from __future__ import annotations

import re

from huibian.split.cues import split_cues


def bare_post(post: str) -> str:
    for p in split_cues()["post_prefixes"]:
        if post.startswith(p) and len(post) > len(p):
            return post[len(p) :]
    return post


def place_name(place: str, post: str | None) -> str:
    """A place string as found → a region string (沈阳市人民政府 → 沈阳市; 龙岩 + 市长 → 龙岩市)."""
    place = re.sub("(?:人民)?政府$", "", place)
    place = re.sub(r"^\d{4}年|\d{4}年$", "", place)
    if len(place) < 2 or place in split_cues()["not_names"]:
        return ""
    if post and not _suffix_level(place):
        bare = bare_post(post)
        if bare in ("市长", "县长", "区长", "州长", "省长", "旗长", "盟长"):
            place += bare[0]
    return place


def _suffix_level(name: str) -> str | None:
    for suffix, level in split_cues()["suffixes"]:
        if name.endswith(suffix) and len(name) > len(suffix):
            return level
    return None


def parse_place(place: str) -> list[tuple[str, str]]:
    """`锦州市古塔区` → [(锦州市, city), (古塔区, district)]; [] when it is not a place name."""
    cues = split_cues()
    place = place.strip()
    if not place or place in cues["not_names"] or len(place) < 2:
        return []
    if any(w in place for w in cues["not_in_names"]):
        return []
    if place == cues["national"]["region"]:
        return [(place, "national")]
    chain: list[tuple[str, str]] = []
    for prov in cues["provinces_by_length"]:
        if place.startswith(prov):
            chain.append((prov, "province"))
            place = place[len(prov) :]
            break
    units = _units(place) if place else []
    if place and not units:
        return []
    for unit in units:
        level = _suffix_level(unit) or ""
        if level == "city" and unit.endswith("市"):
            above = chain[-1][1] if chain else ""
            if above in ("city",) or unit in cues["county_level_cities"]:
                level = "county"
        if level == "province" and unit not in cues["provinces"]:
            return []  # 某省 that is not a province: not a place name we trust
        chain.append((unit, level))
    return chain


def _units(s: str) -> list[str]:
    """Split a place string into units that each end in a region suffix."""
    if _suffix_level(s) is None and not (len(s) == 2 and s.endswith(("县", "区", "市", "旗"))):
        return []
    for i in range(2, len(s) - 1):
        head, rest = s[:i], s[i:]
        if not head.endswith(("市", "州", "盟", "地区")) or rest[0] == "市" or len(rest) < 2:
            continue
        tail = _units(rest)
        if tail:
            return [head, *tail]
    return [s]


def guess_province(body: str, post: str | None) -> str | None:
    """The province a report that speaks as a province names most often, if clear."""
    cues = split_cues()
    speaks_as_province = (post and cues["post_levels"].get(bare_post(post)) == "province") or any(
        w in body for w in cues["province_self"]
    )
    if not speaks_as_province or any(w in body for w in cues["lower_self"]):
        return None
    counts = {full: body.count(short) for full, short in cues["province_short"].items()}
    best = max(counts, key=lambda k: counts[k])
    ranked = sorted(counts.values(), reverse=True)
    if counts[best] >= cues["province_guess_min"] and counts[best] > 2 * ranked[1]:
        return best
    return None
