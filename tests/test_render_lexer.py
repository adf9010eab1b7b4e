"""The cable header lexer: which parts of a header it marks, and colours that meet WCAG AA."""

from __future__ import annotations

import random
import re

import pytest
from pygments.lexer import RegexLexer
from pygments.token import Comment, Generic, Keyword, Literal, Name

from sitegen.render.lexer import CableHeaderLexer
from sitegen.write import BUILTIN_STATIC

HEADER = """VZCZCXRO7807
RR RUEHCN RUEHGH
DE RUEHGZ #9875/01 2550732
ZNR UUUUU ZZH
R 120732Z SEP 06
FM AMCONSUL GUANGZHOU
TO RUEHC/SECSTATE WASHDC 3102
INFO RUEHOO/CHINA POSTS COLLECTIVE
UNCLAS SECTION 01 OF 06 GUANGZHOU 029875
E.O. 12958: N/A
TAGS: KIPR ECON
SUBJECT: IPR ENFORCEMENT
REF: A) GUANGZHOU 20753
"""


def _tokens():
    return [(token, value) for token, value in CableHeaderLexer().get_tokens(HEADER) if value.strip()]


def test_header_parts_get_their_own_tokens():
    tokens = _tokens()

    def token_of(text):
        return next(token for token, value in tokens if value.strip() == text)

    assert token_of("VZCZCXRO7807") is Name.Label
    assert token_of("RR") is Keyword.Type
    assert token_of("120732Z SEP 06") is Literal.Date
    assert token_of("FM") is Keyword
    assert token_of("TO") is Keyword
    assert token_of("INFO") is Keyword
    assert token_of("UNCLAS") is Generic.Strong
    assert token_of("E.O. 12958:") is Comment
    assert token_of("KIPR ECON") is Name.Tag
    assert token_of("IPR ENFORCEMENT") is Generic.Heading
    assert token_of("A) GUANGZHOU 20753") is Name.Entity


def test_lexer_gives_back_every_character():
    assert "".join(value for _, value in CableHeaderLexer().get_tokens(HEADER)) == HEADER


def _rule_by_rule(text: str) -> list:
    """Pygments' own RegexLexer loop: each rule tried in turn at each position (the definition)."""
    return list(RegexLexer.get_tokens_unprocessed(CableHeaderLexer(), text))


def _combined(text: str) -> list:
    return list(CableHeaderLexer().get_tokens_unprocessed(text))


def test_one_pattern_lexes_every_real_header_and_body_as_pygments_rule_by_rule(corpus_records):
    for record in corpus_records:
        for text in (record.header, record.body):
            assert _combined(text) == _rule_by_rule(text), record.reference_id


def test_one_pattern_lexes_random_header_like_text_as_pygments_rule_by_rule():
    """Runs of header words, classification words, blanks and odd characters, where rules
    overlap: the first rule that matches must win, as in RegexLexer's loop."""
    pieces = [
        *HEADER.split(" "),
        *HEADER.splitlines(),
        "\n",
        "\n\n",
        " ",
        "\t",
        "UNCLAS",
        "SECRET",
        "SIPDIS",
        "C O N F I D E N T I A L",
        "E.O.12958",
        "TAGS",
        "REF:",
        "R 120732Z SEP 06",
        "ZZ",
        "\u00e9",
        "\udcff",
        "-",
        "(",
        ")",
        "//",
        "DE",
        "BT",
        "NOFORN",
    ]
    rng = random.Random(4)
    for _ in range(3000):
        text = "".join(rng.choice(pieces) + rng.choice(["", " ", "\n"]) for _ in range(rng.randint(0, 12)))
        assert _combined(text) == _rule_by_rule(text), repr(text)


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _schemes() -> dict[str, str]:
    """The theme's rules for the light scheme and, apart, those for the dark one."""
    css = (BUILTIN_STATIC / "style.css").read_text()
    light, dark = css.split("@media (prefers-color-scheme: dark) {", 1)
    return {"light": light, "dark": dark}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_header_token_colours_meet_wcag_aa_on_the_header_background(scheme):
    css = _schemes()[scheme]
    background = re.search(r"\.cable-header(?:, \.highlight)? \{[^}]*background: (#[0-9a-f]{6})", css).group(1)
    colours = re.findall(r"\.cable-header \.\w+, \.highlight \.\w+ \{ color: (#[0-9a-f]{6})", css)
    assert len(colours) >= 10
    for colour in colours:
        assert contrast(colour, background) >= 4.5, colour


def test_the_dark_scheme_keeps_text_readable_on_its_backgrounds():
    dark = _schemes()["dark"]
    variables = dict(re.findall(r"--([\w-]+): (#[0-9a-f]{6})", dark))
    for text, background in (("ink", "paper"), ("ink", "panel"), ("muted", "paper"), ("muted", "panel"),
                             ("accent", "paper"), ("accent", "panel"), ("accent-ink", "accent")):  # fmt: skip
        assert contrast(variables[text], variables[background]) >= 4.5, (text, background)


def test_every_text_colour_in_the_theme_meets_aa_where_it_is_used():
    css = _schemes()["light"]
    header_background = re.search(r"\.site-header \{ background: (#[0-9a-f]{6})", css).group(1)
    rules = re.findall(r"^([^{\n]+)\{[^}]*?(?<![-\w])color: (#[0-9a-f]{6})", css, re.M)
    assert len(rules) >= 12
    for rule, colour in rules:
        on_dark_header = rule.strip().startswith((".tagline", ".site-header"))
        background = header_background if on_dark_header else "#f5f4ef"  # the lightest text sits on the panel tint
        assert contrast(colour, background) >= 4.5, (rule, colour)
