"""The gold question set and its loader/validator. No model is needed here.

The gold file is checked against the bundled sample reports exactly as ingest normalises them, so
a quote that drifts from the text, or a key fact missing from its reference answer, fails here
rather than quietly lowering a metric.
"""

from __future__ import annotations

import json
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from eval.gold import (
    CATEGORIES,
    GoldFileError,
    GoldQuestion,
    load_gold,
    locate,
    sample_documents,
    validate_gold,
)
from ingest.normalise import normalise

REPO_ROOT = Path(__file__).resolve().parents[1]
TUNE = REPO_ROOT / "eval" / "gold" / "tune.jsonl"
TEST = REPO_ROOT / "eval" / "gold" / "test.jsonl"
DEV_GOLD = REPO_ROOT.parent / "shared" / "eval" / "dev_gold.jsonl"

MINIMUMS = {
    "fact": 15,
    "number": 15,
    "good_practice": 12,
    "finding": 15,
    "recommendation": 25,
    "comparison_2021_2025": 10,
    "case_study": 10,
    "multi_hop": 6,
    "unanswerable": 40,
    "follow_up": 8,
}
JUDGMENT_AREAS_2025 = [
    "Leadership of child protection arrangements",
    "Working with safeguarding partners",
    "Responding to children at risk of harm",
    "Assessing risk to children and making appropriate referrals",
    "Investigating reports of abuse, neglect and exploitation of children",
]


@pytest.fixture(scope="module")
def documents() -> dict[str, str]:
    return sample_documents(REPO_ROOT / "data" / "sample")


@pytest.fixture(scope="module")
def gold() -> list[GoldQuestion]:
    """Both splits: the set as a whole must meet the targets."""
    return load_gold(TUNE) + load_gold(TEST)


def sections(gold: list[GoldQuestion], doc_id: str) -> set[str]:
    return {s.section for q in gold for s in q.sources if s.doc_id == doc_id}


# --- the gold set itself ---------------------------------------------------------------------


def test_sample_documents_are_keyed_by_doc_id(documents: dict[str, str]) -> None:
    assert set(documents) == {"staffordshire-2021", "staffordshire-2025"}
    assert all(len(text) > 40_000 for text in documents.values())


def test_gold_file_validates_against_sample_reports(
    gold: list[GoldQuestion], documents: dict[str, str]
) -> None:
    assert validate_gold(gold, documents) == []


def test_gold_file_size_ids_and_distribution(gold: list[GoldQuestion]) -> None:
    assert len(gold) >= 250
    ids = [q.id for q in gold]
    assert len(ids) == len(set(ids))
    counts = Counter(q.category for q in gold)
    short = {c: (counts[c], n) for c, n in MINIMUMS.items() if counts[c] < n}
    assert not short, f"categories below target (have, want): {short}"


def test_gold_covers_every_chapter_and_judgment_area(gold: list[GoldQuestion]) -> None:
    seen_2021 = sections(gold, "staffordshire-2021")
    for number in range(1, 12):
        assert any(s.startswith(f"{number}. ") for s in seen_2021), f"chapter {number}"
    for name in ("Summary", "Conclusion"):
        assert name in seen_2021
    assert any(s.startswith("Annex A") for s in seen_2021)
    seen_2025 = sections(gold, "staffordshire-2025")
    missing = [area for area in JUDGMENT_AREAS_2025 if area not in seen_2025]
    assert not missing


def test_gold_question_shapes(gold: list[GoldQuestion]) -> None:
    for q in gold:
        if q.category == "comparison_2021_2025":
            assert {s.doc_id for s in q.sources} == {"staffordshire-2021", "staffordshire-2025"}, (
                q.id
            )
        if q.category == "follow_up":
            assert q.history and q.history[-1].role == "assistant", q.id
        if q.answerable:
            assert 1 <= len(q.key_facts) <= 3, q.id


def test_dev_gold_loads_and_validates(gold: list[GoldQuestion], documents: dict[str, str]) -> None:
    """The eval must read files of the shared format, including ones it has never seen."""
    if DEV_GOLD.exists():
        dev = load_gold(DEV_GOLD)
        ours = {q.id: q for q in gold}
        assert all(ours.get(q.id) == q for q in dev), "tune.jsonl must keep the dev questions"
    else:
        dev = [q for q in gold if q.id.startswith("d0")]
    assert dev
    assert validate_gold(dev, documents) == []


# --- loader errors ---------------------------------------------------------------------------

GOOD = {
    "id": "t1",
    "question": "How many?",
    "category": "number",
    "answer": "There are 12 apples.",
    "key_facts": ["12 apples"],
    "sources": [{"doc_id": "doc-a", "section": "1. Fruit", "subsection": None, "quote": "x"}],
}


def write_lines(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "gold.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_load_gold_reads_valid_lines_and_skips_blanks(tmp_path: Path) -> None:
    extra = dict(GOOD, id="t2", note="extra keys are ignored")
    path = write_lines(tmp_path, json.dumps(GOOD), "", json.dumps(extra))
    questions = load_gold(path)
    assert [q.id for q in questions] == ["t1", "t2"]
    assert questions[0].history == [] and questions[0].sources[0].subsection is None


def test_load_gold_bad_json_names_the_line(tmp_path: Path) -> None:
    path = write_lines(tmp_path, json.dumps(GOOD), '{"id": "t2", "question": ')
    with pytest.raises(GoldFileError, match=r"gold\.jsonl:2: invalid JSON"):
        load_gold(path)


def test_load_gold_missing_key(tmp_path: Path) -> None:
    bad = {k: v for k, v in GOOD.items() if k != "answer"}
    path = write_lines(tmp_path, json.dumps(bad))
    with pytest.raises(GoldFileError, match=r"gold\.jsonl:1: missing key 'answer'"):
        load_gold(path)


def test_load_gold_missing_source_key(tmp_path: Path) -> None:
    bad = dict(GOOD, sources=[{"doc_id": "doc-a", "section": "1. Fruit"}])
    with pytest.raises(GoldFileError, match=r"missing key 'sources\.0\.quote'"):
        load_gold(write_lines(tmp_path, json.dumps(bad)))


def test_load_gold_bad_category(tmp_path: Path) -> None:
    path = write_lines(tmp_path, json.dumps(dict(GOOD, category="trivia")))
    with pytest.raises(GoldFileError, match=r":1: category 'trivia' is not one of"):
        load_gold(path)
    assert "follow_up" in CATEGORIES


def test_load_gold_not_an_object(tmp_path: Path) -> None:
    with pytest.raises(GoldFileError, match=r":1: expected a JSON object"):
        load_gold(write_lines(tmp_path, "[1, 2]"))


# --- validator -------------------------------------------------------------------------------

DOC = normalise(
    "1. Fruit\n\nThe orchard has 12 [apples](#) and “ripe” pears.\n\n- one item;\n"
).text


def question(**changes: object) -> GoldQuestion:
    data = dict(GOOD, **changes)
    data.setdefault("sources", GOOD["sources"])
    return GoldQuestion.model_validate(data)


def source(quote: str, doc_id: str = "doc-a") -> dict[str, object]:
    return {"doc_id": doc_id, "section": "1. Fruit", "subsection": None, "quote": quote}


def test_locate_normalises_the_quote_like_the_document() -> None:
    quote = "The orchard has 12 [apples](#) and “ripe” pears."
    span = locate(quote, DOC)
    assert span is not None
    assert DOC[span[0] : span[1]] == 'The orchard has 12 apples and "ripe" pears.'
    assert locate("12 bananas", DOC) is None
    assert locate("   ", DOC) is None


def test_validate_gold_accepts_a_sound_question() -> None:
    q = question(sources=[source("The orchard has 12 [apples](#)")])
    assert validate_gold([q], {"doc-a": DOC}) == []


def test_validate_gold_catches_missing_quote_and_unknown_doc() -> None:
    q = question(sources=[source("The orchard has 13 apples"), source("x", doc_id="doc-b")])
    problems = validate_gold([q], {"doc-a": DOC})
    assert any("quote not found" in p for p in problems)
    assert any("unknown doc_id 'doc-b'" in p for p in problems)


def test_validate_gold_catches_duplicate_ids() -> None:
    q = question(sources=[source("12 [apples](#)")])
    problems = validate_gold([q, q], {"doc-a": DOC})
    assert problems == ["t1: duplicate id (2 questions)"]


def test_validate_gold_checks_key_facts_against_the_answer() -> None:
    ok = question(
        answer="The orchard has 12\n APPLES and ‘ripe’ pears.",
        key_facts=["12 apples", "'ripe' pears"],
        sources=[source("12 [apples](#)")],
    )
    assert validate_gold([ok], {"doc-a": DOC}) == []
    bad = question(key_facts=["13 apples"], sources=[source("12 [apples](#)")])
    assert validate_gold([bad], {"doc-a": DOC}) == [
        "t1: key fact '13 apples' is not in the reference answer"
    ]


def test_validate_gold_unanswerable_and_sourceless_rules() -> None:
    unanswerable = question(id="u1", category="unanswerable", key_facts=[], sources=[])
    assert validate_gold([unanswerable], {"doc-a": DOC}) == []
    with_sources = question(id="u2", category="unanswerable", key_facts=[])
    no_sources = question(id="a1", sources=[])
    lonely_follow_up = question(id="f1", category="follow_up", sources=[source("12 [apples](#)")])
    problems = validate_gold([with_sources, no_sources, lonely_follow_up], {"doc-a": DOC})
    assert problems == [
        "u2: unanswerable question must have no key_facts or sources",
        "a1: answerable question has no sources",
        "f1: follow_up question has no history",
    ]


# --- the two splits -------------------------------------------------------------------------


def _tags(path: Path) -> Counter[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return Counter(tag for line in lines if line for tag in json.loads(line).get("tags", []))


def _near_twins(tune: list[GoldQuestion], test: list[GoldQuestion]) -> list[tuple[str, str]]:
    """Pairs worded almost alike (questions written blind from the same reports can be)."""
    twins = []
    for a in tune:
        for b in test:
            matcher = SequenceMatcher(None, a.question.lower(), b.question.lower())
            if matcher.quick_ratio() > NEAR_TWIN and matcher.ratio() > NEAR_TWIN:
                twins.append((a.id, b.id))
    return twins


NEAR_TWIN = 0.85


def test_splits_are_disjoint_and_test_has_the_hard_cases() -> None:
    tune, test = load_gold(TUNE), load_gold(TEST)
    assert not {q.id for q in tune} & {q.id for q in test}
    assert not {q.question for q in tune} & {q.question for q in test}
    assert not _near_twins(tune, test), "a tune question nearly repeats a test question"
    assert len(test) >= 100
    tags = _tags(TUNE) + _tags(TEST)
    assert tags["abbrev"] + tags["slang"] + tags["typo"] >= 30
    assert tags["near_miss"] >= 30


def test_sweep_refuses_the_test_split(tmp_path: Path) -> None:
    from eval.sweep import HeldOutError, tuning_questions

    with pytest.raises(HeldOutError, match="held-out"):
        tuning_questions(TEST)
    leaked = tmp_path / "leak.jsonl"
    leaked.write_text(TEST.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(HeldOutError, match="shares 1"):
        tuning_questions(leaked)
    assert len(tuning_questions(TUNE)) == len(load_gold(TUNE))
