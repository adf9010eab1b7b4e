"""One canonical reference ID, the same in Python (model.canonical_reference_id: import, release,
cable files, references) and in the header's ID box (theme/static/goto.js, which the search page
calls as window.sitegenCanonicalId): the same cases run through both."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from sitegen.cli import main
from sitegen.model import REFERENCE_ID_SHAPE, canonical_reference_id, is_valid_reference_id
from tests.conftest import REPO, Visit

GOTO_JS = REPO / "sitegen" / "theme" / "static" / "goto.js"

CASES = [
    # (typed or written, canonical, or None when it is no reference ID)
    ("06GUANGZHOU29875", "06GUANGZHOU29875"),
    ("09ROME0042", "09ROME42"),  # issue 28: listed in ids/ROME.js as 09ROME42, typed with its zeros
    ("09A2B7", "09A2B7"),  # issue 28: a digit in the post
    ("09A20B007", "09A20B7"),
    ("09X10023", "09X10023"),  # the number is the whole run of digits that ends the ID
    ("09ROME000", "09ROME0"),
    ("09rome42", "09ROME42"),
    (" 09 ROME 0042\t", "09ROME42"),
    ("06 TBILISI 0619", "06TBILISI619"),
    ("06 NEW DELHI 12", "06NEWDELHI12"),
    ("08USNATO-X37", "08USNATO-X37"),
    ("09UNVIE-VIENNA0022", "09UNVIE-VIENNA22"),
    ("09ROME12345678901234567890", "09ROME12345678901234567890"),  # past what a float holds exactly
    ("09ROME", None),
    ("ROME42", None),
    ("9ROME42", None),
    ("009ROME42", None),
    ("09ROME42X", None),
    ("09-ROME42", None),
    ("09 ROME 42 43", "09ROME4243"),
    ("", None),
    ("   ", None),
    ("\uff10\uff19ROME42", None),  # full-width digits
    ("09ROM\u00c942", None),  # a letter outside ASCII
    ("09ROME\u00a042", None),  # a no-break space
    ("\ufeff09ROME42", None),  # a BOM the Python strip would keep and JavaScript's trim drop
    ("09ROME42\x1f", None),  # a separator Python's strip drops and JavaScript's keeps
    ("09ROME4\n2", "09ROME42"),
    ("09" + "A" * 60 + "1", "09" + "A" * 60 + "1"),  # 63 characters
    ("09" + "A" * 61 + "1", "09" + "A" * 61 + "1"),  # 64: the most an ID may have
    ("09" + "A" * 62 + "1", None),  # 65
    ("09" + "A" * 61 + "0001", "09" + "A" * 61 + "1"),  # 64 once its zeros are gone
]


@pytest.mark.parametrize("text, expected", CASES)
def test_the_canonical_reference_id(text, expected):
    assert canonical_reference_id(text) == expected


@given(st.from_regex(REFERENCE_ID_SHAPE, fullmatch=True).filter(is_valid_reference_id))
def test_every_id_the_importer_accepts_has_a_canonical_form_that_is_one_too(reference_id):
    canonical = canonical_reference_id(reference_id)
    assert canonical is not None
    assert is_valid_reference_id(canonical)
    assert canonical_reference_id(canonical) == canonical
    assert canonical.rstrip("0123456789") == reference_id.rstrip("0123456789")  # year and post kept


def _importable(rng: random.Random) -> str:
    """A reference ID the importer accepts (model.REFERENCE_ID_SHAPE), drawn at random."""
    post = rng.choice("ABCXYZ") + "".join(rng.choice("ABRZ09-") for _ in range(rng.randrange(0, 12)))
    number = "0" * rng.randrange(0, 4) + str(rng.randrange(0, 10 ** rng.randrange(1, 9)))
    return f"{rng.randrange(100):02d}{post}{number}"


def _run_goto_js(inputs: list[str]) -> list[str | None]:
    """window.sitegenCanonicalId over each input, in node, with goto.js as the browser loads it."""
    harness = (
        "const window = {}; const document = {readyState: 'complete', querySelector: () => null};\n"
        f"{GOTO_JS.read_text(encoding='utf-8')}\n"
        "const inputs = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        "process.stdout.write(JSON.stringify(inputs.map((t) => window.sitegenCanonicalId(t))));\n"
    )
    result = subprocess.run(
        ["node", "-e", harness], input=json.dumps(inputs), capture_output=True, text=True, check=True, timeout=60
    )
    return json.loads(result.stdout)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_id_box_makes_the_same_canonical_id_as_python():
    rng = random.Random(28)
    generated = [_importable(rng) for _ in range(2000)]
    loosely = [f" {ref[:2]} {ref[2:].lower()} " for ref in generated[:500]]
    inputs = [text for text, _ in CASES] + generated + loosely
    assert _run_goto_js(inputs) == [canonical_reference_id(text) for text in inputs]


@pytest.fixture(scope="module")
def odd_ids_site(tmp_path_factory) -> Path:
    """A fresh `sitegen init` site whose dump spells one ID with zeros and one with a digit in its post."""
    site = tmp_path_factory.mktemp("ids") / "site"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(site)]).exit_code == 0
    dump = site / "cables.csv"
    dump.write_bytes(
        b'"1","1/2/2009 4:05","09ROME0042","Embassy Rome","SECRET","","H","1. (C) Text.\n"\n'
        b'"2","1/3/2009 4:05","09A2B7","Embassy Rome","SECRET","","H","1. (C) Text.\n"\n'
    )
    assert runner.invoke(main, ["import", str(dump), "--site", str(site), "--released", "2010-12-01"]).exit_code == 0
    build = runner.invoke(main, ["build", "--site", str(site), "--as-of", "2011-06-01", "--no-search"])
    assert build.exit_code == 0, build.output
    return site / "output"


@pytest.mark.parametrize(
    "typed, page",
    [("09ROME0042", "09ROME42"), ("09 rome 42", "09ROME42"), ("09A2B7", "09A2B7"), ("09a2b007", "09A2B7")],
)
def test_the_id_box_reaches_every_id_the_importer_accepts(browser, odd_ids_site, typed, page):
    """Issue 28: `09ROME0042` gave "No released cable 09ROME42" and `09A2B7` "Type a reference ID"."""
    with Visit(browser) as tab:
        tab.goto((odd_ids_site / "index.html").as_uri())
        tab.fill("form.goto input", typed)
        tab.press("form.goto input", "Enter")
        tab.wait_for_url(f"**/cable/2009/01/{page}.html")
        assert tab.locator("article.cable").get_attribute("data-refid") == page
        assert tab.evaluate("window.sitegenCanonicalId(' 09 rome 0042 ')") == "09ROME42"
        assert tab.evaluate("window.sitegenCanonicalId('zebra')") is None
