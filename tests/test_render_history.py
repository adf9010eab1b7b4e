"""The history page's word diff (render/history.py): what it marks, in a long cable as in a short one."""

from __future__ import annotations

import re

from sitegen.render.history import word_diff

PARAGRAPH = "Contacts in the ruling party describe the mood in the capital as tense but calm. "


def marked(html: str, tag: str) -> list[str]:
    """The words inside each <ins> or <del>, without the words said to screen readers."""
    found = re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.DOTALL)
    return [re.sub(r'<span class="visually-hidden">.*?</span>', "", inner) for inner in found]


def test_a_redaction_lifted_in_a_long_cable_marks_that_word_alone():
    before = PARAGRAPH * 300 + "Mr. XXXXXXXXXXXX asked that his name not be used. " + PARAGRAPH * 300
    after = before.replace("XXXXXXXXXXXX", "IVANOV & SONS")
    html = str(word_diff(before, after))
    assert marked(html, "del") == ["XXXXXXXXXXXX"]
    assert marked(html, "ins") == ["IVANOV &amp; SONS"]
    assert html.count(PARAGRAPH.strip()) == 600


def test_a_paragraph_added_at_the_end_and_one_renumbered_are_said_to_be_so():
    html = str(word_diff("1. (C) First.\n\n2. (C) Second.", "1. (C) First.\n\n3. (C) Second.\n\n4. (C) More."))
    assert "renumbered from" in html
    assert "renumbered to" in html
    assert marked(html, "ins") == ["3.", "\n\n4. (C) More."]
    assert str(word_diff("same words", "same words")) == "same words"
    assert marked(str(word_diff("", "new")), "ins") == ["new"]
