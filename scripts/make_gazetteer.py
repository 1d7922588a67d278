"""Derive ``kg/lexicons/divisions.tsv`` from the adcode table bundled with cpca.

Provenance
----------
Source: the PyPI package ``cpca`` version 0.5.5 (MIT licence), file
``cpca/resources/adcodes.csv`` (columns ``adcode,name,longitude,latitude``; the
adcode is 12 digits, of which the first 6 are the GB/T 2260 division code),
plus ``cpca/resources/56_nations.csv`` (the 56 ethnic groups, one per line),
used only to recognise the ethnic part of autonomous-unit names. cpca is a
development-time source only: install it with ``pip install cpca==0.5.5`` and
run ``python scripts/make_gazetteer.py``. ``kg`` never imports it. The CSV is
located through ``importlib.util.find_spec`` without importing cpca itself.

Output
------
UTF-8 TSV, ``\\n`` line ends, header ``code\\tname\\tlevel\\tparent\\taliases``,
one row per division, sorted by code:

* ``code``: the 6-digit adcode.
* ``name``: the full official name as in the source (河南省, 漯河市, 源汇区).
* ``level``: ``province`` for codes ``XX0000`` (provinces, municipalities,
  autonomous regions, SARs); ``city`` for ``XXYY00`` (prefecture level);
  ``county`` for everything else (districts, county-level cities, counties,
  banners, autonomous counties, 林区, 特区).
* ``parent``: ``XXYY00`` when that is a real prefecture, else ``XX0000``;
  empty for provinces.
* ``aliases``: comma-separated short forms (normally zero or one).

Placeholder rows (市辖区, 县, 省直辖县级行政区划, 自治区直辖县级行政区划) are
skipped; the units under them are parented to their province, so that for
example 济源市 (419001) and the districts of 北京市 have the province as parent.

Alias rules
-----------
1. Strip the first matching type suffix, longest first: 特别行政区, 自治区,
   自治州, 自治县, 自治旗, 林区 (only for units directly under a province, so
   碑林区 and 万柏林区 are not cut wrongly), 新区, 特区, 矿区, 地区, 省, 市, 盟,
   区, 县, 旗. If the remainder is shorter than two characters, try the next
   shorter suffix (清新区 -> 清新, not 清); if none leaves two characters, no
   alias (沙县, 城区).
2. Strip trailing ethnic names from the remainder, repeatedly, while at least
   two characters stay: any ``X族`` of the 56 groups (延边朝鲜族 -> 延边,
   管城回族 -> 管城, 积石山保安族东乡族撒拉族 -> 积石山), and, after an 自治
   suffix only, the forms without 族 used in official names (维吾尔, 蒙古,
   哈萨克, 柯尔克孜, 锡伯, 塔吉克, 鄂伦春), so 新疆维吾尔自治区 -> 新疆 while
   内蒙古自治区 -> 内蒙古; 各族 counts as an ethnic name (龙胜各族 -> 龙胜).
   If the remainder is nothing but an ethnic name, the alias is that name
   without 族 (东乡族自治县 -> 东乡, 鄂温克族自治旗 -> 鄂温克).
3. Names whose remainder ends in 左翼/右翼 (喀喇沁左翼蒙古族自治县), and
   banners whose remainder ends in a position or colour word (土默特左旗,
   乌拉特中旗, 镶黄旗, 达尔罕茂明安联合旗), get no alias: their cut forms are
   not used in text (newspapers write 喀左, 土左旗 ...).
4. Drop the alias if it is the full name of any other unit, or the alias of a
   unit at a higher level (吉林市 gets no 吉林, 朝阳区 gets no 朝阳 because of
   朝阳市, 河南蒙古族自治县 gets no 河南). Aliases shared by units of the same
   level are kept (鼓楼区 in several cities -> 鼓楼); callers disambiguate.
5. Drop aliases that are everyday words or generic place words
   (``COMMON_WORD_ALIASES``: 解放, 合作, 资源, 城关, 市中 ...), which would make
   a text matcher fire on ordinary prose.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

SOURCE_PACKAGE = "cpca"
SOURCE_VERSION = "0.5.5"
ADCODE_CSV = "adcodes.csv"
NATIONS_CSV = "56_nations.csv"

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "kg" / "lexicons" / "divisions.tsv"

HEADER = ("code", "name", "level", "parent", "aliases")

PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})

# Type suffixes, longest first. Those starting with 自治 take an ethnic part.
SUFFIXES: tuple[str, ...] = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "林区",
    "新区",
    "特区",
    "矿区",
    "地区",
    "省",
    "市",
    "盟",
    "区",
    "县",
    "旗",
)

# Ethnic names written without 族 in official names of autonomous units.
BARE_ETHNIC_NAMES: tuple[str, ...] = (
    "柯尔克孜",
    "维吾尔",
    "哈萨克",
    "塔吉克",
    "鄂伦春",
    "蒙古",
    "锡伯",
)

# "All ethnic groups", as in 龙胜各族自治县; stripped like an ethnic name.
ALL_GROUPS = "各族"

# A name cut to one of these endings has no usable short form (喀喇沁左翼).
NO_ALIAS_ENDINGS: tuple[str, ...] = ("左翼", "右翼")

# A banner whose name minus 旗 ends like this has no usable short form.
BANNER_NO_ALIAS_ENDINGS: tuple[str, ...] = ("左", "右", "前", "中", "后", "联合", "黄", "白", "蓝")

# Cut forms that are everyday words or phrases (解放, 合作, 比如, 公安, 商城 ...).
EVERYDAY_WORDS = """
    万全 万年 上街 东方 东风 中方 丰满 临海 乐业 二道 互助 会同 元宝 光明 光泽 公安 共和 兴业
    兴国 兴隆 凤凰 前进 前锋 千山 南岸 南部 博爱 友好 友谊 古城 古塔 台前 合作 吉利 同仁 同德
    同心 名山 向阳 和平 和谐 商城 回民 团结 复兴 大关 大厂 大名 大城 大方 大英 大观 天台 天桥
    天涯 太平 威信 安宁 安定 安居 宏伟 宝塔 富民 富裕 小店 山城 工农 平原 平和 平安 平定 平房
    平顺 康乐 延寿 延长 建设 开化 开放 惠农 惠民 振兴 故城 文明 新兴 新华 新市 新建 新生 方正
    无为 无极 梨树 榆树 武功 比如 民主 民乐 民权 永和 江山 江海 沿河 泰来 洞口 海伦 海棠 海港
    海盐 清新 清水 温泉 港口 湖滨 灯塔 爱民 牡丹 白云 白塔 白水 白玉 盐湖 盘山 石棉 磐石 祥云
    站前 红旗 红星 胜利 芙蓉 荷塘 莲池 莲花 西市 解放 资源 路桥 运河 通道 钟楼 铜鼓 长子 长寿
    马尾 高台 高明 鸡冠 麒麟 龙井 龙凤 龙门
"""

# Generic directional or town words, and names of famous natural features.
GENERIC_WORDS = """
    东山 东海 东湖 中原 临河 南关 南海 南郊 城东 城中 城关 城北 城南 城西 天山 太湖 市中 市北
    市南 庐山 恒山 新城 江东 江北 江南 江城 江岸 河东 河口 河西 泰山 滨江 滨湖 老城 西山 西湖
    路北 路南 郊区 青山
"""

COMMON_WORD_ALIASES = frozenset(EVERYDAY_WORDS.split() + GENERIC_WORDS.split())


@dataclass(frozen=True)
class Division:
    """One row of the gazetteer."""

    code: str
    name: str
    level: str
    parent: str
    aliases: tuple[str, ...]


def package_dir(package: str) -> Path:
    """Return the directory of an installed package without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"package {package!r} not installed: pip install {package}=={SOURCE_VERSION}")
    return Path(next(iter(spec.submodule_search_locations)))


def check_version() -> None:
    """Warn when the installed source differs from the documented version."""
    version = importlib.metadata.version(SOURCE_PACKAGE)
    if version != SOURCE_VERSION:
        print(
            f"warning: {SOURCE_PACKAGE} {version} installed, docs assume {SOURCE_VERSION}",
            file=sys.stderr,
        )


def read_adcodes(path: Path) -> dict[str, str]:
    """Map 6-digit adcode to name, as read from cpca's adcodes.csv."""
    names: dict[str, str] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            code = record["adcode"].strip()[:6]
            name = record["name"].strip()
            if len(code) != 6 or not code.isdigit() or not name:
                sys.exit(f"bad row in {path}: {record}")
            if code in names and names[code] != name:
                sys.exit(f"conflicting names for {code}: {names[code]} / {name}")
            names[code] = name
    return names


def read_ethnic_names(path: Path) -> tuple[str, ...]:
    """Ethnic names usable as trailing parts, longest first for greedy matching."""
    with path.open(encoding="utf-8") as handle:
        groups = {line.strip() for line in handle if line.strip()}
    groups.add(ALL_GROUPS)
    return tuple(sorted(groups, key=lambda name: (-len(name), name)))


def level_of(code: str) -> str:
    """Division level from the shape of the adcode."""
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def parent_of(code: str, names: dict[str, str]) -> str:
    """Code of the containing real unit, or empty for a province."""
    if code.endswith("0000"):
        return ""
    prefecture = code[:4] + "00"
    if code != prefecture and names.get(prefecture, "") not in ("", *PLACEHOLDER_NAMES):
        return prefecture
    province = code[:2] + "0000"
    if province not in names:
        sys.exit(f"no province {province} for {code}")
    return province


def strip_ethnic(stem: str, ethnic: tuple[str, ...], autonomous: bool) -> str:
    """Remove trailing ethnic names from ``stem`` while two characters remain."""
    tokens = ethnic + BARE_ETHNIC_NAMES if autonomous else ethnic
    tokens = tuple(sorted(set(tokens), key=lambda token: (-len(token), token)))
    changed = True
    while changed:
        changed = False
        for token in tokens:
            if stem.endswith(token) and len(stem) - len(token) >= 2:
                stem = stem[: -len(token)]
                changed = True
                break
    if stem in tokens:
        stem = stem.removesuffix("族")
    return stem


def short_form(name: str, under_province: bool, ethnic: tuple[str, ...]) -> str | None:
    """Rule-derived short form of a division name, or None."""
    for suffix in SUFFIXES:
        if not name.endswith(suffix) or (suffix == "林区" and not under_province):
            continue
        stem = strip_ethnic(name[: -len(suffix)], ethnic, suffix.startswith("自治"))
        if len(stem) < 2:
            continue
        if stem.endswith(NO_ALIAS_ENDINGS):
            return None
        if suffix.endswith("旗") and stem.endswith(BANNER_NO_ALIAS_ENDINGS):
            return None
        return stem
    return None


def build(names: dict[str, str], ethnic: tuple[str, ...]) -> list[Division]:
    """Build the sorted division list with filtered aliases."""
    rank = {"province": 0, "city": 1, "county": 2}
    rows: list[tuple[str, str, str, str, str | None]] = []
    for code in sorted(names):
        name = names[code]
        if name in PLACEHOLDER_NAMES:
            continue
        level = level_of(code)
        parent = parent_of(code, names)
        under_province = level == "county" and parent.endswith("0000")
        rows.append((code, name, level, parent, short_form(name, under_province, ethnic)))

    full_names = {name for _, name, _, _, _ in rows}
    best_rank: dict[str, int] = {}
    for _, _, level, _, alias in rows:
        if alias is not None:
            best_rank[alias] = min(best_rank.get(alias, 9), rank[level])

    divisions: list[Division] = []
    for code, name, level, parent, alias in rows:
        keep = (
            alias is not None
            and alias not in full_names
            and alias not in COMMON_WORD_ALIASES
            and best_rank[alias] == rank[level]
        )
        aliases = (alias,) if keep and alias is not None else ()
        divisions.append(Division(code, name, level, parent, aliases))
    return divisions


def write_tsv(divisions: list[Division], output: Path) -> None:
    """Write the gazetteer as UTF-8 TSV with a header line."""
    output.parent.mkdir(parents=True, exist_ok=True)
    lines = ["\t".join(HEADER)]
    for row in divisions:
        fields = (row.code, row.name, row.level, row.parent, ",".join(row.aliases))
        lines.append("\t".join(fields))
    output.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="TSV file to write")
    args = parser.parse_args(argv)

    check_version()
    resources = package_dir(SOURCE_PACKAGE) / "resources"
    names = read_adcodes(resources / ADCODE_CSV)
    ethnic = read_ethnic_names(resources / NATIONS_CSV)
    divisions = build(names, ethnic)
    write_tsv(divisions, args.output)

    counts = {level: 0 for level in ("province", "city", "county")}
    for row in divisions:
        counts[row.level] += 1
    with_alias = sum(1 for row in divisions if row.aliases)
    summary = ", ".join(f"{level} {count}" for level, count in counts.items())
    print(f"wrote {args.output}: {len(divisions)} rows ({summary}; {with_alias} with alias)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
