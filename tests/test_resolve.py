"""Resolution as fragments: each article's share of the graph worked out on its own
(anywhere: kg.pipeline makes them in worker processes), then merged in page order."""

from __future__ import annotations

import pickle

from kg import resolve
from kg.clean import clean
from kg.model import Article, Extraction, Link, Mention, Page, Position
from kg.pipeline import extract_page

_DIGEST = "ab" * 20


def _article(index: int, text: str, *mentions: Mention, positions: tuple[Position, ...] = (),
             links: tuple[Link, ...] = ()) -> Extraction:
    art = Article("周报.txt", _DIGEST, index, text)
    return Extraction(art, tuple(mentions), positions, links)


def _program(text: str, norm: str = "") -> Mention:
    return Mention(0, len(text), text, "program", "test", norm=norm)


def _merged(*exs: Extraction, city: str | None = "许昌市") -> resolve.Resolved:
    return resolve.merge(resolve.fragment(ex, city) for ex in exs)


def test_resolve_entity_keeps_the_label_it_was_first_seen_with() -> None:
    quoted, bare = "“三清”行动", "三清行动"
    r = _merged(_article(0, quoted, _program(quoted, bare)), _article(1, bare, _program(bare)))
    [prog] = [e for e in r.entities.values() if e.kind == "program"]
    assert prog.label == bare  # the first article's name
    assert prog.alts == {quoted}
    assert prog.count == 2 and len(prog.articles) == 2

    r = _merged(_article(0, bare, _program(bare)), _article(1, quoted, _program(quoted, bare)))
    [prog] = [e for e in r.entities.values() if e.kind == "program"]
    assert prog.label == bare and prog.alts == {quoted}


def test_resolve_membership_keeps_its_first_evidence() -> None:
    person = Mention(0, 3, "钱某某", "person", "test")
    first = Position("钱某某", "局长", "市文化局", 0, 9, "钱某某局长主持会议。", "test")
    later = Position("钱某某", "局长", "市文化局", 0, 9, "钱某某局长讲话。", "test")
    r = _merged(_article(0, "一", person, positions=(first,)),
                _article(1, "二", person, positions=(later,)))
    [ms] = r.memberships.values()
    assert ms.evidence == first.evidence
    assert ms.article == next(iter(r.articles))
    assert len(ms.articles) == 2
    [who] = [e for e in r.entities.values() if e.kind == "person"]
    assert who.count == 2  # a position's person is counted with its mention
    org = r.entities["org/许昌市文化局"]
    assert org.label == "许昌市文化局" and org.alts == {"市文化局"}


def test_resolve_programme_link_counts_once_the_programme_is_seen() -> None:
    org = Mention(0, 4, "市文化局", "org", "test")
    runs = Link("program_org", "三清行动", "市文化局", "test")
    before = _article(0, "一", org, links=(runs,))
    seen = _article(1, "二", _program("三清行动"))
    after = _article(2, "三", org, links=(runs,))
    assert not _merged(before, seen).entities["program/三清行动"].runners
    assert _merged(before, seen, after).entities["program/三清行动"].runners == {"org/许昌市文化局"}


def test_resolve_fragments_travel_and_merge_to_the_same_graph() -> None:
    text = clean(
        "本报讯 5月8日，市委书记钱立峰主持召开会议，市长孙浩宇出席。\n"
        "钱立峰强调，要扎实开展“四清”行动，市文化局要牵头抓好落实。\n"
        "会议在建安区举行，区委书记周明辉参加。\n"
    )
    page = extract_page(Page("日报.txt", text, _DIGEST))
    exs = page.extractions
    direct = resolve.resolve([(exs, page.home_city)])
    travelled = [pickle.loads(pickle.dumps(resolve.fragment(ex, page.home_city))) for ex in exs]
    assert resolve.merge(iter(travelled)) == direct
    labels = {e.label for e in direct.entities.values()}
    assert {"钱立峰", "孙浩宇", "周明辉"} <= labels


def test_resolve_national_body_by_its_full_name_from_any_short_form() -> None:
    text = clean(
        "本报讯 会议传达学习党中央、国务院关于防汛救灾的部署。\n"
        "全国政协副主席吴建设一行到许昌市调研，中共中央有关文件精神得到落实。\n"
    )
    page = extract_page(Page("日报.txt", text, _DIGEST))
    r = resolve.resolve([(page.extractions, page.home_city)])
    orgs = {e.label: e for e in r.entities.values() if e.kind == "org"}
    assert orgs["中共中央"].alts == {"党中央"} and orgs["中共中央"].count == 2
    cppcc = orgs["中国人民政治协商会议全国委员会"]
    assert cppcc.alts == {"全国政协"}
    assert [m.org for m in r.memberships.values()] == [cppcc.key]  # the post's body too
