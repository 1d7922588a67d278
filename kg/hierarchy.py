"""Where bodies sit: the structure of Chinese government applied to a merged graph.

Run by kg.resolve.merge once every article is folded in:

- an organization's name is cut back to the body it names when the extraction ran it
  on from a person or a verb of the report (`开封市委书记某某代表市委` -> `市委`):
  `clean_name`, applied per article before keys are made;
- organizations whose names differ only in writing (中共漯河市委员会, 漯河市委;
  漯河市人民政府, 漯河市政府) are one node: `org_identity` gives the key they share;
- a body named after a division is located in it (`schema:location`), and the
  division gets its place node even when the pages name it only through its bodies
  (南阳市政府 -> 南阳市, then nested by the gazetteer); a body relative to an unnamed
  county (县委) is located in the page's city; a body named after a town or village
  of its page is located there;
- a committee's departments sit under the committee (X市委组织部 -> X市委), a
  government's departments under the government (X市财政局 -> X市政府), the working
  bodies of a people's congress standing committee or a CPPCC under it, a company's
  party committee or board under the company, when the pages name the body above; a
  bureau (局) under its government even when they do not (the government's node is
  made then, located where the bureau is).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import cache, lru_cache

from kg import lexicon
from kg.entities import ArticleInfo, Entity, slug

# words of a news report that never stand inside a body's name: a name that holds one
# ran on from the sentence around it (县委书记某某带队, 某某代表市委)
_REPORT_VERBS = (
    "(?<!人大)(?<!人民)(?<!党)代表(?!大会|团|处|委员会|工作|资格|联络|之家|小组|活动|室)",
    "带队", "率队", "主持", "出席", "召开", "调研", "考察",
    "视察", "讲话", "指出", "强调", "参加", "表示", "会见", "看望", "慰问", "督导", "陪同",
    "率领", "带领", "听取", "部署", "要求", "走访", "来到", "前往", "受到", "紧紧围绕",
    "锚定", "学习", "推选", "委托", "携", "同志", "说明",
)
_VERB = re.compile("|".join(_REPORT_VERBS))
# what may stand between a cut and the body: conjunctions, prepositions
_LEAD = re.compile(r"^(?:及|和|与|同|在|向|对|由|为|的|、|，|,|与会)+")
# an unclosed bracket, a term number (七届市委), the day of a date run into a relative
# name (8月2日旗委: no division is named 日)
_HEAD = re.compile(
    r"^(?:[(（](?!.*[)）])|第?[一二三四五六七八九十]+届(?=[市县区省])|日(?=[省市县区州旗盟]))+")
# the full names of a place's CPPCC committee and people's congress, with a term
_FULL_NAME = re.compile(
    r"^(中国人民政治协商会议|政协)?(?:第?[一二三四五六七八九十]+届)?"
    r"(.{2,12}?[省市县区州旗盟])(?:第?[一二三四五六七八九十]+届)?"
    r"(?(1)委员会|(人民代表大会))(常务委员会)?$")
_DOUBLED = re.compile(r"^(.{1,9}?([省市县区旗]))\2(?!场|民|域|级|内|外)(?=.)")
_TERM = re.compile(r"(?<=[省市县区州旗])第?[一二三四五六七八九十]+届(?=人大|人民代表大会|政协)")
# a person's name inside a body's name is the report's when a title or a word for a
# person comes right before it (局长某某及发改委, 会员某某漯河市人大)
_TITLED = re.compile(r"(?:长|书记|主任|主席|委员|会员|同志|代表|经理|董事|理事|记者|员)$")
# prefixes of party and mass bodies before the place their name starts with (the
# democratic parties come from their lexicon)
_PARTY = ("中国共产党", "中共", "共青团")
# bureaus under vertical management (their parent is the body above, not the government)
_VERTICAL = ("税务局", "气象局", "烟草专卖局", "邮政管理局", "海关", "调查队", "银保监分局",
             "金融监管分局", "铁路局", "电力公司", "供电公司")
# what opens a relative name, completed with the page's place (市委 -> 漯河市委)
_RELATIVE_HEADS = ("自治区", "省", "市", "县", "区", "州", "旗", "盟")
# the working committees of a people's congress standing committee, written bare
_CONGRESS_BODY = re.compile(
    r"^(?:选举任免(?:联络)?|选任联|选联|选|监察(?:和)?司法|内务司法|法制|法|预算|财经|"
    r"财政经济|代表|教科文卫|教育科学文化卫生|城建环保|环资|社会建设|农业农村|"
    r"民族宗教侨务外事|民宗侨外|侨务外事)(?:工委|工作委员会)$")
_GOV_BODY = ("委", "政府", "人大", "政协", "局", "厅", "办公室", "管委会", "工委", "常委会",
             "法院", "检察院", "监委", "纪委", "办", "部")


def clean_name(name: str, persons: Collection[str]) -> str:
    """The organization a name written in a report stands for: what follows the last
    person named in the article, title followed by a name, or report verb inside it,
    without a leading conjunction, an unclosed bracket or a term number (七届市委常委会
    is the 市委常委会); "" when nothing of a body is left."""
    name = _HEAD.sub("", name)
    cut = 0
    for m in _VERB.finditer(name):
        cut = max(cut, m.end())
    places = lexicon.divisions_by_name()
    for p in persons:
        if len(p) >= 2 and p not in places:
            i = name.rfind(p)
            if (i > 0 and _TITLED.search(name[:i])) or (i == 0 and _opens_body(name[len(p):])):
                cut = max(cut, i + len(p))
    if not cut:
        return name
    rest = _LEAD.sub("", name[cut:])
    if len(rest) < 2 or not rest.endswith(_body_suffixes()):
        return ""
    return rest


def _opens_body(rest: str) -> bool:
    """What follows a person's name that opens a name is another body: a conjunction
    (某某及某某管委会), a party or a division (某某九三学社某省委: a caption's name and
    post run together)."""
    if rest[:1] in "及和与、":
        return True
    if rest.startswith(_party_prefixes()):
        return True
    by_name = lexicon.divisions_by_name()
    return any(rest[:k] in by_name for k in range(2, min(len(rest), 8)))


@lru_cache(maxsize=1)
def _body_suffixes() -> tuple[str, ...]:
    return tuple(sorted(lexicon.org_suffixes(), key=len, reverse=True))


def _ends_with_division(text: str) -> bool:
    by_name = lexicon.divisions_by_name()
    return any(text[-k:] in by_name for k in range(2, min(len(text), 12) + 1))


@lru_cache(maxsize=1 << 16)
def normal(label: str) -> str:
    """One written form per body: 中共X委员会 -> X委, X人民政府 -> X政府."""
    for p in ("中国共产党", "中共"):
        if label.startswith(p) and len(label) > len(p) + 1 and label[len(p):][:2] != "中央":
            label = label[len(p):]
            break
    full = _FULL_NAME.match(label)  # 政协某市第十届委员会 = 某市政协
    if full:
        body = "政协" if full.group(1) else "人大"
        label = full.group(2) + body + ("常委会" if full.group(4) else "")
    label = _TERM.sub("", label.replace("人民政府", "政府"))  # 南阳市六届政协 = 南阳市政协
    doubled = _DOUBLED.match(label)  # 某县县发改局: the county, then its 县发改局
    if doubled and _ends_with_division(doubled.group(1)):
        label = label[: doubled.end(1)] + label[doubled.end():]
    return re.sub(r"([省市县区州旗])委员会$", r"\1委", label)


def org_identity(key: str, label: str) -> str:
    """The key an organization shares with every other written form of the same body
    (page-scoped keys, org/PAGE/NAME, are left alone)."""
    if key.count("/") != 1:
        return key
    return f"org/{slug(normal(label))}"


@cache
def _party_prefixes() -> tuple[str, ...]:
    """Names of parties and mass bodies, full and short, the longest first."""
    names = set(_PARTY)
    for name, aliases in lexicon.pairs("democratic_parties.tsv").items():
        names.update([name, *filter(None, aliases.split(","))])
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


@lru_cache(maxsize=1 << 16)
def leading_division(label: str, city: str | None) -> tuple[lexicon.Division, str] | None:
    """The deepest division a body's name starts with (河南省漯河市临颍县X -> 临颍县) and
    the text of the name up to it; short forms (郑州人大) only for government bodies."""
    start = 0
    for p in _party_prefixes():
        if label.startswith(p):
            start = len(p)
            break
    gov = label.endswith(_GOV_BODY)
    by_name = lexicon.divisions_by_name()
    found: tuple[lexicon.Division, str] | None = None
    pos = start
    while pos < len(label):
        hit = None
        for end in range(min(len(label), pos + 12), pos + 1, -1):
            divs = by_name.get(label[pos:end])
            if not divs:
                continue
            full = [d for d in divs if d.name == label[pos:end]]
            if not full and not gov:
                continue
            if end == len(label):
                continue  # the whole rest is a place, not a body of it
            d = lexicon.pick_division(tuple(full) or divs, found[0].name if found else city)
            if found and not _inside(d.code, found[0].code):
                continue
            hit = (d, end)
            break
        if hit is None:
            break
        found = (hit[0], label[:hit[1]])
        pos = hit[1]
    return found


@cache
def _national_heads() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Full names of national bodies (not media), and what opens the name of a part of
    one: a national body of government, 中央, 中共中央, a democratic party's 中央."""
    bodies = {full for full, kind in lexicon.national_orgs().values() if kind != "media"}
    heads = {full for full, kind in lexicon.national_orgs().values() if kind == "gov"}
    heads.update(("中共中央", "中央", "全国"))
    heads.update(p + "中央" for p in _party_prefixes() if p not in _PARTY)
    return tuple(sorted(bodies)), tuple(sorted(heads, key=lambda h: (-len(h), h)))


@lru_cache(maxsize=1 << 16)
def national_body(label: str) -> bool:
    """A national body or a part of one (国务院办公厅, 九三学社中央办公厅): its place is
    the country."""
    bodies, heads = _national_heads()
    label = _LEADING_TERM.sub("", label)  # 十一届全国人大常委会
    if label in bodies:
        return True
    for h in heads:
        if label.startswith(h) and len(label) > len(h):
            return label.endswith(_body_suffixes())
    return False


_LEADING_TERM = re.compile(r"^第?[一二三四五六七八九十]+届(?=.)")
_DEPARTMENT = ("局", "委", "办", "厅", "办公室")


@lru_cache(maxsize=1 << 16)
def listed_name(before: str, name: str) -> str | None:
    """The full name of a department written bare right after another body in a list,
    which shares that body's place (区发改委、财政局 -> 区财政局; 某县委组织部、宣传部 ->
    某县委宣传部; 县委办、政府办 -> 县政府办); None when `name` names its own place or is
    not a department."""
    if not 3 <= len(name) <= 10 or not name.endswith((*_DEPARTMENT, "部")):
        return None
    if (name.startswith((*_RELATIVE_HEADS, *_party_prefixes(), "党", "国", "中", "全"))
            or name.endswith("党委") or national_body(name)
            or name in lexicon.national_orgs() or leading_division(name, None)):
        return None
    found = leading_division(normal(before), None)
    if found is not None:
        prefix = found[1]
    elif before[:1] in "省市县区" and not before.startswith(("市场", "区域")):
        prefix = before[:1]
    else:
        return None
    rest = normal(before)[len(prefix):]
    if rest.startswith("委") and len(rest) > 1 and not rest.startswith("委员会"):
        if name.startswith(("政府", "人大", "政协")):
            return prefix + name  # 县委办、政府办
        return prefix + "委" + name if name.endswith("部") else None
    if (rest.endswith(_DEPARTMENT) and len(rest) >= 3 and not name.endswith("部")
            and not rest.startswith(("人大", "政协", "纪委", "监委"))):
        return prefix + name  # 区发改委、财政局
    return None


_PLACELESS = ("局", "委", "政府", "人大", "政协", "办", "厅", "办公室", "管委会", "常委会", "工委",
              "委员会")


@lru_cache(maxsize=1 << 16)
def placeless_body(name: str) -> bool:
    """A party or government body whose name holds no place (财政局, 政协, 管委会,
    人大常委会): it is the body of some place the page is about, never one node with the
    body of that name on another page. Not a national body, a party's, or a body of an
    owner it names (某某集团党委)."""
    return (
        name.endswith(_PLACELESS)
        and not name.endswith("党委")
        and not name.startswith((*_party_prefixes(), *_RELATIVE_HEADS, "中", "国", "全"))
        and name not in lexicon.national_orgs()
        and not national_body(name)
        and leading_division(name, None) is None
    )


def _inside(code: str, ancestor: str) -> bool:
    divs = lexicon.divisions()
    while code in divs:
        code = divs[code].parent
        if code == ancestor:
            return True
    return False


def _parent_name(label: str, prefix: str) -> str | None:
    """The normal name of the body above `label` (a normal name starting with the
    division text `prefix`), by the structure of Chinese government; None at the top."""
    rest = label[len(prefix):]
    if not rest or rest.startswith("团"):
        return None  # 团市委: the youth league's committee is no department
    if rest.endswith(("党委", "党组")) and len(rest) > 3:
        return prefix + rest[:-2]  # X市国资委党委: the party committee of X市国资委
    if rest.startswith("委") and len(rest) > 1 and rest not in ("委员会",):
        if rest.startswith(("委员会", "委纪委", "委监委")):
            return None
        return prefix + "委"  # X市委组织部, X市委办公室, X市委政法委, X市委常委会
    if rest.startswith("人大常委会") and len(rest) > 5:
        return prefix + "人大常委会"
    if rest.startswith("人大") and rest != "人大" and not rest.startswith("人大常委会"):
        return None
    if rest.startswith("政协") and len(rest) > 2:
        return prefix + "政协"
    if rest.startswith("政府") and len(rest) > 2:
        return prefix + "政府"  # X市政府办公室
    if rest.endswith("工委"):
        return prefix + "委"  # X市直机关工委: a working committee of the party committee
    if rest.endswith(_VERTICAL) or rest.startswith(("纪委", "监委", "政府", "政协", "人大")):
        return None
    if rest.endswith(("局", "厅", "委", "办公室", "办")) and len(rest) >= 3:
        return prefix + "政府"  # X市财政局, X市发改委, X市外事办
    return None


def place_bodies(
    entities: dict[str, Entity],
    articles: Mapping[str, ArticleInfo],
) -> None:
    """Locate bodies in their divisions, give those divisions place nodes, and put
    departments under the committee or government they belong to (see module doc)."""
    order = {k: i for i, k in enumerate(articles)}

    def home(e: Entity) -> str | None:
        first = min(e.articles, key=lambda a: order.get(a, 0), default=None)
        info = articles.get(first) if first else None
        return info.home_city if info else None

    by_normal: dict[str, str] = {}
    for e in entities.values():
        if e.kind == "org" and e.key.count("/") == 1:
            by_normal.setdefault(normal(e.label), e.key)
    by_code = {e.code: e.key for e in entities.values() if e.kind == "place" and e.code}
    # the standing committees of people's congresses each article names: the body above
    # the working committees it names bare (选工委, 监察司法工委)
    congress: dict[str, set[str]] = {}
    for e in entities.values():
        if e.kind == "org" and normal(e.label).endswith("人大常委会") and len(e.label) > 5:
            for a in e.articles:
                congress.setdefault(a, set()).add(e.key)

    def place_of(d: lexicon.Division, e: Entity, written: str) -> str | None:
        """The division's place node; made when the body's name as the pages write it
        holds the division (南阳市政府), not when the name was completed from the page's
        city (市政府 -> 漯河市政府: the page does not name 漯河市)."""
        key = by_code.get(d.code)
        if key is None:
            if not _written(e, written):
                return None
            key = by_code[d.code] = f"place/{d.code}"
            entities[key] = Entity("place", key, d.name, level=d.level, code=d.code,
                                   articles=set(e.articles))
        return key

    def standing_committee(e: Entity, label: str) -> None:
        """A working committee written bare (选工委) under the one people's congress
        standing committee its articles name (the page's city's when several)."""
        if e.parents or not _CONGRESS_BODY.match(label):
            return
        above = {k for a in e.articles for k in congress.get(a, ())}
        if len(above) > 1:
            city = home(e) or "~"
            above = {k for k in above if entities[k].label.startswith(city)}
        if len(above) == 1:
            e.parents.update(above)

    # places the pages name that the gazetteer does not hold (towns, villages, zones),
    # by label and article: a body named after one is located there
    local: dict[tuple[str, str], str] = {}
    for e in entities.values():
        if e.kind == "place" and not e.code and len(e.label) >= 2:
            for a in e.articles:
                local.setdefault((a, e.label), e.key)
    longest = max((len(label) for _, label in local), default=0)
    # the country's node, when the pages name it: national bodies are located there
    country = next((e.key for e in entities.values()
                    if e.kind == "place" and e.level == "country" and e.label == "中国"), None)

    later: list[tuple[Entity, tuple[str, str]]] = []
    for key in list(entities):
        e = entities[key]
        if e.kind != "org":
            continue
        if key.count("/") != 1:  # relative to a county the page leaves unnamed
            city = home(e)
            named = lexicon.divisions_by_name().get(city or "")
            # a county's or district's body lies in the city; a province's does not
            below = not e.label.startswith(("省", "自治区")) and not e.label.endswith("厅")
            site = place_of(named[0], e, "") if named and below and not e.sites else None
            if site is not None:
                e.sites.add(site)
            standing_committee(e, normal(e.label))
            continue
        label = normal(e.label)
        found = leading_division(label, home(e))
        if found is None:
            if not e.sites and country is not None and national_body(label):
                e.sites.add(country)
            if not e.sites:
                site = _local_place(label, e.articles, local, longest)
                if site is not None:
                    e.sites.add(site)
            standing_committee(e, label)
            if not e.parents:
                head = _owner(label, by_normal)
                if head is not None and head != key:
                    e.parents.add(head)
            continue
        d, prefix = found
        # 河南省漯河市委, read as lying in 河南省, lies in 漯河市
        deeper = bool(e.sites) and all(
            s in entities and entities[s].code and _inside(d.code, entities[s].code)
            for s in e.sites)
        site = place_of(d, e, prefix) if not e.sites or deeper else None
        if site is not None:
            if deeper:
                e.sites.clear()
            e.sites.add(site)
        if e.parents:
            continue
        parent = _parent_name(label, prefix)
        pkey = by_normal.get(parent) if parent else None
        gov = d.name + "政府"  # 清徐经济局: the government of 清徐县
        if pkey is None and parent == prefix + "政府" and label.endswith("局"):
            # a bureau (局) is always a department of its division's government, so
            # the government stands above it even when no page names it (县财政局,
            # completed to 某县财政局, with no 县政府 on the page); other bodies are
            # linked only to a body the pages name: 委 and 办 may be the party's
            pkey = by_normal.get(gov)
            if pkey is None:
                pkey = by_normal[gov] = org_identity(f"org/{slug(gov)}", gov)
                entities[pkey] = Entity("org", pkey, gov, articles=set(e.articles),
                                        sites=set(e.sites))
        if pkey is None and parent is not None:
            later.append((e, (parent, gov)))  # a government made for a bureau further on
        elif pkey is not None and pkey != key:
            e.parents.add(pkey)
    for e, names in later:
        pkey = next((by_normal[n] for n in names if n in by_normal), None)
        if pkey is not None and pkey != e.key:
            e.parents.add(pkey)


def check_city(name: str) -> str:
    """The gazetteer's full name of a city given by the user (漯河 -> 漯河市): a
    prefecture-level city, a municipality or a county-level city. Raises ValueError,
    naming the nearest cities, for any other name: unknown places are not invented."""
    import difflib

    name = name.strip()
    for d in lexicon.divisions_by_name().get(name, ()):
        if d.level == "city" or d.name.endswith("市"):
            return d.name
    divs = lexicon.divisions()
    for d in lexicon.divisions_by_name().get(name, ()):
        parent = divs.get(d.parent)
        if parent is not None:  # a county: its city is what the pages are about
            return _raise(f"{name!r} is a county of {parent.name}; give its city "
                          f"(--city {parent.name})")
    cities = sorted({n for n, ds in lexicon.divisions_by_name().items()
                     if any(d.level == "city" or d.name.endswith("市") for d in ds)})
    near = difflib.get_close_matches(name, cities, n=5, cutoff=0.3)
    if not near:  # a name sharing a character with the given one
        near = [c for c in cities if set(c) & set(name) - set("市县区省州")][:5]
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    return _raise(f"{name!r} is not a city of the gazetteer{hint}")


def _raise(message: str) -> str:
    raise ValueError(message)


def _written(e: Entity, prefix: str) -> bool:
    """Some written form of the body holds the division's text `prefix` (its label, when
    it is not a relative name completed with the page's city, or an alias)."""
    if not prefix:
        return False
    forms = set(e.alts)
    completed = any(len(a) < len(e.label) and a.startswith(_RELATIVE_HEADS)
                    and normal(e.label).endswith(normal(a)[1:]) for a in e.alts)
    if not completed:
        forms.add(e.label)
    return any(prefix in normal(f) or prefix in f for f in forms)


def _local_place(label: str, arts: set[str], local: Mapping[tuple[str, str], str],
                 longest: int) -> str | None:
    """The place, named in one of the body's articles, that its name starts with."""
    for end in range(min(len(label) - 1, longest), 1, -1):
        for a in sorted(arts):
            key = local.get((a, label[:end]))
            if key is not None:
                return key
    return None


def _owner(label: str, by_normal: Mapping[str, str]) -> str | None:
    """The body whose name a body's name starts with, when the rest names a part of a
    body (许继电气党委 -> 许继电气, X集团董事局 -> X集团)."""
    for end in range(len(label) - 2, 1, -1):
        key = by_normal.get(label[:end])
        if key is not None:
            return key if label[end:].endswith(_body_suffixes()) else None
    return None
