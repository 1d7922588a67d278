#!/usr/bin/env python3
"""Identity and hierarchy figures of one graph: are real-world entities one node each,
and do bodies sit where the structure of Chinese government puts them?

Usage:
  python scripts/identity_report.py FOLDER_OR_GRAPH [--list]

FOLDER_OR_GRAPH is a folder of pages (built as ONE corpus with `kg build` into a
temporary folder), a built output folder holding graph.ttl, or a Turtle file.
--list prints the offending names under each figure.

Figures:
- persons: labels carried by more than one person node (namesakes or split people);
- party and government bodies (…委, …政府, …人大, …政协, …局, …厅, …办公室, …管委会,
  …工委, …常委会) linked to a place by schema:location, directly or through a parent;
  national bodies and their parts count too (their place is the country, 中国); a
  company's board (…董事局) is no party or government body and is not counted;
- named bureaus (X市…局, X县…局) under X's government, and party departments
  (X市委…部) under X's committee, by org:subOrganizationOf (directly or not); bureaus
  under vertical management (X市税务局: under the national administration, not the
  city's government) are not counted; with --list, a bureau whose government no page
  names says so;
- organizations whose label holds a person's name, a title followed by a name, or a
  verb of news reports (代表 as a verb: 代表团, a delegation, is a noun).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import FOAF, ORG, RDF, RDFS

from kg import lexicon
from kg.namespace import SDO

# not party or government bodies although their names end like one
NOT_GOV = ("董事局",)
# bureaus under vertical management: the body above is the national or provincial
# administration, not the place's government (checked here, not taken from kg)
VERTICAL = ("税务局", "气象局", "烟草专卖局", "邮政管理局", "铁路局", "地震局", "统计调查队",
            "金融监管分局", "银保监分局", "海事局", "盐务局", "国家安全局")
# the suffixes, and the full forms of the same bodies (…委员会, …人民代表大会)
GOV_SUFFIXES = ("委", "政府", "人大", "政协", "局", "厅", "办公室", "管委会", "工委", "常委会",
                "委员会", "人民代表大会")
# verbs of news reports that never stand inside a body's name
VERBS = ("代表(?!大会|团)", "带队", "主持", "出席", "召开", "调研", "考察", "视察", "讲话", "指出",
         "强调", "参加", "表示", "会见", "看望", "慰问", "督导", "陪同", "率领", "带领",
         "听取", "部署", "要求", "走访", "深入", "来到", "前往")


def load(target: Path) -> Graph:
    if target.is_dir() and (target / "graph.ttl").exists():
        target = target / "graph.ttl"
    elif target.is_dir():
        out = Path(tempfile.mkdtemp(prefix="identity-report-"))
        subprocess.run(["kg", "build", str(target), "-o", str(out), "--format", "ttl"],
                       check=True, stdout=subprocess.DEVNULL)
        target = out / "graph.ttl"
    g = Graph()
    g.parse(target, format="turtle")
    return g


def _ancestors(node, parents: dict) -> list:
    out, todo, seen = [], [node], {node}
    while todo:
        n = todo.pop()
        for p in parents.get(n, ()):
            if p not in seen:
                seen.add(p)
                out.append(p)
                todo.append(p)
    return out


def _norm(label: str) -> str:
    """An organization label in the scorer's normal form (中共X市委员会 = X市委)."""
    for p in ("中国共产党", "中共"):
        if label.startswith(p):
            label = label[len(p):]
    label = label.replace("人民政府", "政府")
    # 政协X市第十届委员会 = X市政协, X市第五届人民代表大会常务委员会 = X市人大常委会
    term = "(?:第?[一二三四五六七八九十]+届)?"
    label = re.sub(f"^(?:中国人民政治协商会议|政协){term}(.+?[省市县区州旗盟]){term}委员会",
                   r"\1政协", label)
    label = re.sub(f"^(.+?[省市县区州旗盟]){term}人民代表大会", r"\1人大", label)
    label = label.replace("常务委员会", "常委会")
    return re.sub(r"([省市县区州旗])委员会$", r"\1委", label)


def _national(label: str, national: set[str]) -> bool:
    """A national body or a part of one: its place is the country, not a division."""
    return label in national or label.startswith(
        ("中央", "中共中央", "全国", "国家", "国务院", *sorted(national)))


def _places() -> list[str]:
    names = {d.name for d in lexicon.divisions().values() if d.level in ("city", "county")}
    return sorted(names, key=len, reverse=True)


def report(g: Graph, show: bool = False) -> list[tuple[str, int, int]]:
    label = {s: str(o) for s, o in g.subject_objects(RDFS.label)}
    persons = set(g.subjects(RDF.type, FOAF.Person))
    orgs = set(g.subjects(RDF.type, ORG.Organization))
    parents: dict = defaultdict(set)
    for s, o in g.subject_objects(ORG.subOrganizationOf):
        parents[s].add(o)
    located = set(g.subjects(SDO.location, None))
    rows: list[tuple[str, int, int]] = []
    lists: list[list[str]] = []

    by_name: dict[str, list] = defaultdict(list)
    for p in persons:
        by_name[label.get(p, "")].append(p)
    split = sorted(n for n, ps in by_name.items() if len(ps) > 1)
    rows.append(("person labels on more than one node (lower is better)", len(split),
                 len(by_name)))
    lists.append([f"{n} x{len(by_name[n])}" for n in split])

    national = {_norm(n) for n, _ in lexicon.national_orgs().values()}
    gov = sorted((o for o in orgs if label.get(o, "").endswith(GOV_SUFFIXES)
                  and not label[o].endswith(NOT_GOV)),
                 key=lambda o: label[o])
    unplaced = [o for o in gov if o not in located
                and not any(a in located for a in _ancestors(o, parents))]
    rows.append(("party/government bodies linked to a place", len(gov) - len(unplaced),
                 len(gov)))
    lists.append([label[o] + (" (national)" if _national(_norm(label[o]), national) else "")
                  for o in unplaced])

    places = _places()
    norm_label = {o: _norm(label.get(o, "")) for o in orgs}
    named = set(norm_label.values())
    for name, pattern, head in (
        ("named bureaus under their government", r"^({p})(?!委).+局$", "{p}政府"),
        ("party departments under their committee", r"^({p})委.+部$", "{p}委"),
    ):
        found = total = 0
        missing: list[str] = []
        rx = re.compile(pattern.format(p="|".join(map(re.escape, places))))
        for o in sorted(orgs, key=lambda o: norm_label[o]):
            m = rx.match(norm_label[o])
            if not m or norm_label[o].endswith(VERTICAL):
                continue
            total += 1
            want = head.format(p=m.group(1))
            if any(norm_label.get(a) == want for a in _ancestors(o, parents)):
                found += 1
            elif want not in named:
                missing.append(f"{label[o]} (no {want} in the graph)")
            else:
                missing.append(label[o])
        rows.append((name, found, total))
        lists.append(missing)

    # a person's name, unless it is also a place's (a misread name does not make the
    # bodies of that place suspect)
    divisions = lexicon.divisions_by_name()
    names = sorted({label[p] for p in persons
                    if len(label.get(p, "")) >= 2 and label[p] not in divisions},
                   key=len, reverse=True)
    name_rx = re.compile("|".join(map(re.escape, names))) if names else None
    titles = sorted(lexicon.titles(), key=len, reverse=True)
    single, compound = lexicon.surnames()
    surnames = "|".join(map(re.escape, sorted(single | compound)))
    title_rx = re.compile(f"(?:{'|'.join(map(re.escape, titles))})(?:{surnames})")
    verb_rx = re.compile("|".join(VERBS))
    bad = []
    for o in sorted(orgs, key=lambda o: label.get(o, "")):
        text = label.get(o, "")
        if ((name_rx and name_rx.search(text)) or title_rx.search(text)
                or verb_rx.search(text)):
            bad.append(text)
    rows.append(("organizations whose label holds a name, title+name or verb "
                 "(lower is better)", len(bad), len(orgs)))
    lists.append(bad)

    for (what, n, total), items in zip(rows, lists):
        pct = 100 * n / total if total else 0.0
        print(f"{what}: {n}/{total} ({pct:.1f}%)")
        if show:
            for x in items:
                print(f"    {x}")
    return rows


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 2
    report(load(Path(args[0])), show="--list" in argv)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
