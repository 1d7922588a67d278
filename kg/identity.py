"""Who is who across pages: one node per person, decided on the merged graph.

Fragments key a person by name within the page's home city (person/漯河/NAME), or by
name alone on a page whose city is unknown (person/NAME). Once every article is merged,
the nodes that share a name are grouped here, by what the pages say of them:

- `national`: someone with a post in a national body or a national title (总书记,
  国务委员) is one node whatever page names them, keyed by name alone;
- `related-posts`: two nodes are one person when their posts fit together: the same
  body, or bodies of one division or of divisions nested in each other (a county's
  secretary named again on the city's page);
- `moves-between-posts`: both lead party or government bodies of one province (a
  county secretary who became a city's mayor);
- `one-name-one-post`: the same title, in the same kind of body (a page naming a
  visiting city's 市政协主席 reads 市政协 as its own city's) or in a body of no known place;
- `named-with-the-same-people`: their pages name them beside two or more other people of
  the same names (a delegation reported by both cities);
- `no-conflict`: a node that says nothing of who it is (no post, or a page of unknown
  city and no post in a body of a known place) joins the person its name belongs to
  when there is only one;
- `unrelated-posts`: nodes whose posts fit none of the above stay apart (namesakes).

The kept key is the smallest of the group's keys that carry a city (or the name alone for
national figures), so the same corpus gives the same IRIs; the rules that merged or kept
apart a node are recorded on it (kgo:identityRule).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import fields

from kg import lexicon
from kg.entities import ArticleInfo, Entity, Membership, slug
from kg.hierarchy import leading_division, normal


def _national_bodies() -> frozenset[str]:
    return frozenset(normal(name) for name, _ in lexicon.national_orgs().values())


def unify_persons(
    entities: dict[str, Entity],
    memberships: dict[str, Membership],
    articles: Mapping[str, ArticleInfo],
) -> None:
    """Merge the person nodes that stand for one person (see module doc), in place."""
    groups: dict[str, list[str]] = defaultdict(list)
    for key, e in entities.items():
        if e.kind == "person":
            groups[e.label].append(key)
    posts: dict[str, list[Membership]] = defaultdict(list)
    for ms in memberships.values():
        posts[ms.person].append(ms)
    national = _national_bodies()
    titles = lexicon.titles()

    def is_national(key: str) -> bool:
        for ms in posts.get(key, ()):
            if titles.get(ms.role) == "national":
                return True
            org = entities.get(ms.org) if ms.org else None
            if org is not None and normal(org.label) in national:
                return True
        return False

    def places(key: str) -> set[str]:
        """Division codes of the bodies the person holds posts in."""
        out = set()
        for ms in posts.get(key, ()):
            org = entities.get(ms.org) if ms.org else None
            if org is None:
                continue
            found = leading_division(normal(org.label), None)
            if found is not None:
                out.add(found[0].code)
            for site in org.sites:
                p = entities.get(site)
                if p is not None and p.code:
                    out.add(p.code)
        return out

    def body_kinds(key: str) -> set[str]:
        """The bodies the person holds posts in, without their place (政协, 市委宣传部)."""
        out = set()
        for ms in posts.get(key, ()):
            org = entities.get(ms.org) if ms.org else None
            if org is None:
                continue
            label = normal(org.label)
            found = leading_division(label, None)
            out.add(label[len(found[1]):] if found else label)
        return out

    named_in: dict[str, set[str]] = defaultdict(set)
    for e in entities.values():
        if e.kind == "person":
            for a in e.articles:
                named_in[a].add(e.label)

    def gov_places(key: str) -> set[str]:
        """Division codes of the party and government bodies the person leads."""
        out = set()
        for ms in posts.get(key, ()):
            org = entities.get(ms.org) if ms.org else None
            if org is None or not org.label.endswith(_GOV):
                continue
            found = leading_division(normal(org.label), None)
            if found is not None:
                out.add(found[0].code)
        return out

    rename: dict[str, str] = {}
    notes: dict[str, set[str]] = defaultdict(set)
    for name, keys in groups.items():
        if len(keys) < 2:
            continue
        keys.sort()
        nat = [k for k in keys if is_national(k)]
        if nat:
            target = f"person/{slug(name)}"
            for k in keys:
                if k != target:
                    rename[k] = target
            notes[target].add("national")
            continue
        # union the nodes whose posts fit together
        parent = {k: k for k in keys}

        orgs = {k: {ms.org for ms in posts.get(k, ()) if ms.org} for k in keys}
        codes = {k: places(k) for k in keys}
        roles = {k: {ms.role for ms in posts.get(k, ())} for k in keys}
        gov = {k: _provinces(gov_places(k)) for k in keys}
        kinds = {k: body_kinds(k) for k in keys}
        company = {k: {n for a in entities[k].articles for n in named_in[a]} - {name}
                   for k in keys}
        # a node tells nothing of who it is without posts, or, on a page of unknown
        # city, without a post in a body of a known place
        posted = [k for k in keys if posts.get(k) and (codes[k] or k.count("/") > 1)]
        why: dict[str, str] = {}
        for i, a in enumerate(posted):
            for b in posted[i + 1:]:
                rule = None
                if orgs[a] & orgs[b] or _related(codes[a], codes[b]):
                    rule = "related-posts"
                elif gov[a] & gov[b]:
                    rule = "moves-between-posts"
                elif roles[a] & roles[b] and (not (codes[a] and codes[b])
                                              or kinds[a] & kinds[b]):
                    rule = "one-name-one-post"
                elif len(company[a] & company[b]) >= 2:
                    rule = "named-with-the-same-people"
                if rule:
                    ra, rb = _find(parent, a), _find(parent, b)
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
                    why[a] = why[b] = rule
        clusters = sorted({_find(parent, k) for k in posted})
        bare = [k for k in keys if k not in posted]
        if len(clusters) <= 1:
            root = clusters[0] if clusters else None
            for k in bare:
                if root is None:
                    root = k
                else:
                    parent[k] = root
                    why[k] = why[root] = "no-conflict"
        for k in keys:
            r = _find(parent, k)
            members = [m for m in keys if _find(parent, m) == r]
            target = _target(members)
            if k != target:
                rename[k] = target
            if why.get(k):
                notes[target].add(why[k])
            if len(clusters) > 1 and k in posted:
                notes[target].add("unrelated-posts")
    if rename:
        _rekey_persons(entities, memberships, articles, rename)
    for key, rules in notes.items():
        entities[key].notes.update(rules)


_GOV = ("委", "政府", "人大", "政协", "人大常委会", "管委会", "工委", "党委", "纪委", "监委")


def _provinces(codes: set[str]) -> set[str]:
    divs = lexicon.divisions()
    out = set()
    for code in codes:
        while code in divs and divs[code].parent:
            code = divs[code].parent
        out.add(code)
    return out


def _find(parent: dict[str, str], k: str) -> str:
    """The root of `k` in a union-find forest."""
    while parent[k] != k:
        parent[k] = parent[parent[k]]
        k = parent[k]
    return k


def _target(members: list[str]) -> str:
    with_city = [m for m in members if m.count("/") > 1]
    return min(with_city or members)


def _related(a: set[str], b: set[str]) -> bool:
    """Some division of `a` and some of `b` are one, or one holds the other."""
    divs = lexicon.divisions()

    def up(code: str) -> set[str]:
        out = {code}
        while code in divs and divs[code].parent:
            code = divs[code].parent
            out.add(code)
        return out

    for x in a:
        ux = up(x)
        for y in b:
            if y in ux or x in up(y):
                # two divisions under one province are not enough: only the same
                # division or one inside the other
                return True
    return False


def _rekey_persons(
    entities: dict[str, Entity],
    memberships: dict[str, Membership],
    articles: Mapping[str, ArticleInfo],
    rename: dict[str, str],
) -> None:
    for old, new in sorted(rename.items()):
        e = entities.pop(old)
        t = entities.get(new)
        if t is None:  # the group's key is none of its fragments' (national figures)
            e.key = new
            entities[new] = e
            continue
        t.alts.update(e.alts)
        t.alts.discard(t.label)
        t.articles.update(e.articles)
        t.count += e.count
        t.notes.update(e.notes)
    order = {k: i for i, k in enumerate(articles)}
    moved: dict[str, Membership] = {}
    for key in list(memberships):
        ms = memberships[key]
        to = rename.get(ms.person)
        if to is None:
            continue
        del memberships[key]
        old_who = "membership/" + ms.person.split("/", 1)[1] + "/"
        ms.key = "membership/" + to.split("/", 1)[1] + "/" + key[len(old_who):]
        ms.person = to
        moved[key] = ms
    for ms in sorted(moved.values(), key=lambda m: (order.get(m.article, 0), m.start)):
        have = memberships.get(ms.key)
        if have is None:
            memberships[ms.key] = ms
        elif order.get(ms.article, 0) < order.get(have.article, 0):
            _fold(ms, have)
            memberships[ms.key] = ms
        else:
            _fold(have, ms)


def _fold(keep: Membership, other: Membership) -> None:
    """Fold `other`, the same post, into `keep`: sets are joined, the earliest and latest
    of first/last dates kept, anything else stays as `keep` has it."""
    for f in fields(keep):
        a, b = getattr(keep, f.name), getattr(other, f.name)
        if isinstance(a, set):
            a.update(b)
        elif b and (not a or ("first" in f.name and b < a) or ("last" in f.name and b > a)):
            setattr(keep, f.name, b)
