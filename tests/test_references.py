"""One bibliography (references.bib) for the whole course, cited as author-year links.

A chapter or exercise cites a source as plain Markdown, ``[He et al. 2015](https://arxiv.org/abs/1502.01852)``:
it reads the same on the website and in a notebook opened in Colab or Jupyter, where a ``{cite}``
role would show as raw text. The link's address is the entry's ``url`` in references.bib, so these
tests can check every citation against the bibliography, and every entry against the citations.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from urllib.parse import urlparse

import pytest
from pybtex.database import parse_file

ROOT = Path(__file__).resolve().parent.parent
BIB = ROOT / "references.bib"

# A Markdown link: [text](address); an address may hold balanced parentheses (DOIs do).
LINK = re.compile(r"\[([^\[\]\n]+)\]\((https?://(?:[^()\s]|\([^()\s]*\))+)\)")
# Author-year text: a surname first, a year last ("He et al. 2015", "Glorot, Bordes and Bengio 2011",
# "Nair and Hinton 2010", "Misra 2019"; Korean prose may write "He 외 2015").
AUTHOR_YEAR = re.compile(r"^(?P<first>[^\W\d_][\w'’-]*)\b.*\s(?P<year>(?:1[5-9]|20)\d\d)$")
# Links to these hosts are citations of a paper, whatever their text says.
SCHOLARLY_HOSTS = {"arxiv.org", "doi.org", "dx.doi.org", "proceedings.mlr.press", "jmlr.org",
                   "papers.nips.cc", "proceedings.neurips.cc", "openreview.net", "dl.acm.org",
                   "link.springer.com", "ieeexplore.ieee.org", "www.sciencedirect.com",
                   "mlanthology.org", "openaccess.thecvf.com"}


def sources() -> list[Path]:
    return sorted((ROOT / "chapters" / "src").glob("*.md")) + sorted((ROOT / "exercises" / "src").glob("*.md"))


def _fold(name: str) -> str:
    """Compare names without case or accents (Montúfar is cited as Montufar)."""
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()


def load_entries(path: Path = BIB) -> dict[str, dict]:
    """url -> {key, surname (first author's), year} of every entry."""
    entries = {}
    for key, entry in parse_file(str(path)).entries.items():
        person = entry.persons["author"][0]
        surname = " ".join(person.prelast_names + person.last_names)
        entries[entry.fields["url"]] = {"key": key, "surname": surname, "year": entry.fields["year"]}
    return entries


def is_citation(text: str, url: str, entries: dict) -> bool:
    return (url in entries or urlparse(url).hostname in SCHOLARLY_HOSTS
            or AUTHOR_YEAR.match(text.strip()) is not None)


def citation_problems(text: str, entries: dict) -> list[str]:
    """Every citation link of a source whose address is not in the bibliography, or whose text does not
    name the entry's first author and year."""
    problems = []
    for label, url in LINK.findall(text):
        label = " ".join(label.split())
        if not is_citation(label, url, entries):
            continue
        if url not in entries:
            problems.append(f"[{label}]({url}): no entry of references.bib has this url")
            continue
        entry = entries[url]
        m = AUTHOR_YEAR.match(label)
        if m is None:
            problems.append(f"[{label}]({url}): the text must be author-year, e.g. "
                            f"'{entry['surname']} et al. {entry['year']}'")
            continue
        surname_first_word = _fold(entry["surname"].split()[0])
        if _fold(m["first"]) != surname_first_word:
            problems.append(f"[{label}]({url}): {entry['key']}'s first author is {entry['surname']}")
        if m["year"] != entry["year"]:
            problems.append(f"[{label}]({url}): {entry['key']} is from {entry['year']}")
    return problems


def cited_urls(texts: list[str]) -> set[str]:
    return {url for text in texts for _, url in LINK.findall(text)}


def test_every_entry_is_complete_with_one_address():
    bib = parse_file(str(BIB))
    seen = {}
    for key, entry in bib.entries.items():
        fields = entry.fields
        assert "author" in entry.persons and {"title", "year", "url"} <= set(fields), key
        assert re.fullmatch(r"(1[5-9]|20)\d\d", fields["year"]), key
        url = fields["url"]
        assert url.startswith("https://"), f"{key}: url {url} is not https"
        assert url not in seen, f"{key} and {seen.get(url)} share the url {url}"
        seen[url] = key
        # Where a paper has a DOI or an arXiv id, its url is one of them (stable, and what readers expect).
        stable = set()
        if "doi" in fields:
            stable.add(f"https://doi.org/{fields['doi']}")
        if "eprint" in fields:
            stable.add(f"https://arxiv.org/abs/{fields['eprint']}")
        assert not stable or url in stable, f"{key}: url {url} should be one of {sorted(stable)}"


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_citations_name_a_bibliography_entry(path):
    text = path.read_text(encoding="utf-8")
    problems = citation_problems(text, load_entries())
    assert not problems, f"{path.name}:\n" + "\n".join(problems)
    # A {cite} role would show as raw text in Colab and Jupyter.
    assert "{cite" not in text, f"{path.name}: cite as [Author Year](url), not with a {{cite}} role"


def test_every_entry_is_cited_somewhere():
    cited = cited_urls([p.read_text(encoding="utf-8") for p in sources()])
    uncited = sorted(e["key"] for url, e in load_entries().items() if url not in cited)
    assert not uncited, f"entries of references.bib that no chapter or exercise cites: {uncited}"


MADE_UP_BIB = """
@misc{he2015, author = {He, Kaiming and Zhang, Xiangyu}, title = {Delving}, year = {2015},
  url = {https://arxiv.org/abs/1502.01852}}
@misc{montufar2014, author = {Montúfar, Guido and Pascanu, Razvan}, title = {Regions}, year = {2014},
  url = {https://arxiv.org/abs/1402.1869}}
@article{hornik1991, author = {Hornik, Kurt}, title = {Approximation}, year = {1991},
  url = {https://doi.org/10.1016/0893-6080(91)90009-T}}
"""


@pytest.fixture
def made_up_entries(tmp_path):
    path = tmp_path / "made_up.bib"
    path.write_text(MADE_UP_BIB, encoding="utf-8")
    return load_entries(path)


def test_the_checker_accepts_right_citations(made_up_entries):
    text = ("ReLU's initialisation ([He et al. 2015](https://arxiv.org/abs/1502.01852)); He 외 2015 in Korean:"
            " [He 외 2015](https://arxiv.org/abs/1502.01852); accents may be dropped:"
            " [Montufar et al. 2014](https://arxiv.org/abs/1402.1869); a DOI with parentheses:"
            " [Hornik 1991](https://doi.org/10.1016/0893-6080(91)90009-T). A link that cites nothing:"
            " [NumPy](https://numpy.org/doc/stable/).")
    assert citation_problems(text, made_up_entries) == []
    assert cited_urls([text]) >= set(made_up_entries)


@pytest.mark.parametrize("text, complaint", [
    ("[He et al. 2016](https://arxiv.org/abs/1502.01852)", "is from 2015"),
    ("[Zhang et al. 2015](https://arxiv.org/abs/1502.01852)", "first author is He"),
    ("[He et al. 2015](https://arxiv.org/abs/1512.03385)", "no entry of references.bib"),
    ("[Vaswani et al. 2017](https://example.org/attention)", "no entry of references.bib"),
    ("[the PReLU paper](https://arxiv.org/abs/1502.01852)", "must be author-year"),
])
def test_the_checker_catches_wrong_citations(made_up_entries, text, complaint):
    problems = citation_problems(f"As shown by {text}, ...", made_up_entries)
    assert len(problems) == 1 and complaint in problems[0], problems


def test_the_checker_catches_an_entry_cited_nowhere(made_up_entries):
    cited = cited_urls(["[He et al. 2015](https://arxiv.org/abs/1502.01852)"])
    assert [e["key"] for url, e in made_up_entries.items() if url not in cited] == ["montufar2014", "hornik1991"]
