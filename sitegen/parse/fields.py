"""Read the labelled lines at the top of a cable body: SUBJECT, E.O. and the summary (TAGS: tags.py)."""

from __future__ import annotations

import html
import re

from sitegen.parse.known_posts import KNOWN_POSTS

# `SUBJECT:`, `Subj:`, `UBJECT:` (its S lost), or `SUBJECT` and no colon at a line's start
# before an upper-case word (not "subject to approval" in a sentence).
_SUBJECT = re.compile(
    r"(?:(?:^|\s)S?UBJ(?:ECT)?\s*:|^[^\S\n]*SUBJ(?:ECT)?[^\S\n]+(?-i:(?=[A-Z(\"'])))\s*(.*)", re.I | re.M
)
# What ends a subject that wraps: a blank line, another label (`Ref(s):`, `Classified By`,
# `Sensitive but unclassified`, `This is an action request`), the classification line, a page
# break (`PAGE 2`; `LUSAKA 00000123 001.3 OF 003` is _PAGE_NUMBERS), a dash rule, a letter-spaced banner
# (`S E C R E T`), a paragraph (numbered or behind a marking), SIPDIS.
_ENDS_SUBJECT = re.compile(
    r"\s*(?:REF\b|REFS\b|REFTEL|REFERENCE|TAGS\b|E\.?\s?O\.?\s*\d|CLASSIFIED\s+BY|SENSITIVE\s+BUT\s+UNCLASSIFIED"
    r"|THIS\s+(?:\w+\s+){1,3}?AN?\s+ACTION\s+REQUEST"
    r"|\d{1,3}\s?[.)]|\((?:U|C|S|SBU|TS|[UCS]//?[A-Z/ ]+|SBU/[A-Z/ ]+)\)|BEGIN\s+SUMMARY|SUMMARY\s*[:.]|SIPDIS"
    r"|(?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)\s+)?PAGE\s+\d"
    r"|[-=_\u2010-\u2015]{3,}|(?-i:[A-Z]) (?-i:[A-Z]) (?-i:[A-Z]) (?-i:[A-Z])\b)",
    re.I,
)
# What ends a subject inside its text, when the dump lost the line break before it: a REF
# label run into the subject's last word (`PRIMEREF:`), `Classified By` (`...RISEClassified
# By:`), `This cable contains an action request`.
_RUN_IN_LABEL = re.compile(
    r"(?:REFTELS?|REF\(S\)|REFS?)\s*:.*|CLASSIFIED\s+BY\b.*|THIS\s+(?:\w+\s+){1,3}?AN?\s+ACTION\s+REQUEST.*",
    re.S | re.I,
)
# A word with three lower-case letters in a row, not a redaction (`xxxxxxxxxxxx`).
_LOWER_CASE_WORD = re.compile(r"\b(?!x+\b)[A-Za-z]*[a-z]{3}")
# The numbers of a page break, which a line of the subject may run into
# (`...TO WASHINGTON BRASILIA 00000351 001.2 OF 003`): the post's name stands before them.
_PAGE_NUMBERS = re.compile(r"(?:^|\s)\d{3,}\s+\d{3}(?:\.\d+)?\s+OF\s+\d{3}\b")
MAX_SUBJECT_LINES = 8
_SUBJECT_MARKING = re.compile(r"\s*\((U|C|S|SBU|TS|[UCS]//?[A-Z/ ]+|SBU/[A-Z/ ]+)\)\s*", re.I)
# A backslash that ended a line of the subject (`CONCERNS \` / `REGARDING`): the lines are
# joined by then, so it stands before a space or at the end.
_LINE_CONTINUATION = re.compile(r"\\+(?=\s|$)")
# A word hyphenated at a line's end (`EU-` / `RUSSIA`): a hyphen after a letter, then the break.
_HYPHEN_AT_LINE_END = re.compile(r"(?<=[\w.])-[^\S\n]*\n[^\S\n]*(?=\w)")
_EO = re.compile(r"(?:^|\s)(E\.?\s?O\.?\s*\d{4,5}\s*:?.*?)(?=\s+TAGS\b|$)", re.I | re.M)
# Where a summary opens: `BEGIN SUMMARY` anywhere; `1. (C) Summary:` anywhere (a dump may have
# lost the line break before it); `Summary:` (or `Summary and comment.`) at a line's start,
# perhaps behind a marking; or a heading `SUMMARY` alone on its line. "In summary, ..." in a
# sentence opens nothing.
_SUMMARY_MARK = r"\(?[A-Z][A-Z/ \-]{0,19}\)"  # (C), (S/NF), (C/REL NATO), (S-NF), C)
# Summary and comment, Introduction and summary, Summary and Request for Guidance, Summary/Recommendation
_SUMMARY_LABEL = (
    r"(?:[A-Z]+\s+(?:AND|&)\s+)?SUMMARY(?:[^\S\n]*/[^\S\n]*[A-Z]+|\s+(?:AND|&)\s+[A-Z]+(?:[^\S\n]+[A-Z]+){0,3}?)?"
)
_RULE_CHARS = "\\-=\u2010-\u2015"  # a rule or an underline: dashes (Unicode ones too), equals signs
_SUMMARY_START = re.compile(
    rf"\bBEGIN\s+SUMMARY\b[^\S\n]*[:.\-]?"
    rf"|\b\d{{1,3}}\s?\.[^\S\n]*(?:{_SUMMARY_MARK}[^\S\n]*)?{_SUMMARY_LABEL}[^\S\n]*[:.\-]"
    rf"|(?:^|\n)[^\S\n]*(?:-+[^\S\n]*)?(?:\d{{1,3}}\s?\.[^\S\n]*)?(?:{_SUMMARY_MARK}[^\S\n]*)?"
    rf"{_SUMMARY_LABEL}(?:[^\S\n]*[:.\-]|[^\S\n]*(?=\n))"
    # a heading run onto the line before it, its dashes after it on its line or the next
    rf"|\bSUMMARY[^\S\n]*(?:-[^\S\n]*){{3,}}|\bSUMMARY[^\S\n]*\n[^\S\n]*(?:[{_RULE_CHARS}][^\S\n]*){{3,}}\n",
    re.I,
)
_SUMMARY_END = re.compile(r"\bEND\s+(?:OF\s+)?SUMMARY\b", re.I)
_END_BEFORE = re.compile(r"\bEND\s+(?:OF\s+)?\Z")  # on the upper-case twin, up to a SUMMARY
# A dash rule inside a summary's text ends it (`...agreement. -------- Background --------`):
# four dashes or equals signs, or three Unicode dashes (found with str.find: a regex
# without a literal to look for walks the 6,000 characters one by one).
_RULES = ("----", "====", *(dash * 3 for dash in "\u2010\u2011\u2012\u2013\u2014\u2015"))
# Where a summary that only an `End summary` marks may begin: paragraph 1, or after a rule
# (the last heading's).
_FIRST_PARAGRAPH = re.compile(r"(?:^|\n)[^\S\n]*(?:¶[^\S\n]*)?1\s?\.(?!\d)")
_RULE_LINE = re.compile(rf"\n[^\S\n]*[{_RULE_CHARS}]{{3,}}[^\S\n]*(?=\n)")
_BLANK_LINE = re.compile(r"\n[^\S\n]*\n")
_BARE_SUMMARY_LABEL = re.compile(r"(?-i:SUMMARY)\b[^\S\n]*[:.\-]?\s*")
# A backslash that ended a line (`the evening \`): the dump's line continuation.
_BACKSLASH_AT_LINE_END = re.compile(r"[^\S\n]\\+[^\S\n]*$", re.M)
# What comes between the label and the summary's first word: dashes under a heading, a
# paragraph number, a marking.
_SUMMARY_LEAD = re.compile(
    rf"(?:\s|[{_RULE_CHARS}][\s{_RULE_CHARS}]*|\d{{1,3}}\s?\.(?!\d)|{_SUMMARY_MARK}|:|{_SUMMARY_LABEL}\s*[:.\-])*", re.I
)
# The end of the paragraph a summary opens in: a blank line, or a line opening the next
# numbered paragraph.
_PARAGRAPH_END = re.compile(r"\n[^\S\n]*(?:\n|\d{1,3}\s?\.\s)")
# What inside a summary is not its text: page-break and SIPDIS lines, and the number and
# marking of a paragraph it runs on into (after a blank line: a wrapped `15.` is a date).
_NOT_SUMMARY_TEXT = re.compile(
    rf"^[^\S\n]*(?:SIPDIS|[A-Z][A-Z .'\-]*\s\d{{3,}}\s+\d{{3}}\s+OF\s+\d{{3}})[^\S\n]*$"
    rf"|^[^\S\n]*\n[^\S\n]*\d{{1,3}}\s?\.(?!\d)[^\S\n]*(?:{_SUMMARY_MARK}[^\S\n]*)?",
    re.M,
)
MAX_SUMMARY_CHARS = 6000


class CableHead:
    """The opening lines of a body, where the labelled lines live, with an upper-case twin.

    Labels are found with `str.find` on the upper-case twin (cheap) and then checked with a
    regex on their one line, so a cable costs a few scans rather than a regex per line.
    """

    def __init__(self, body: str, size: int = 12000):
        self.text = body[:size]
        self.upper = self.text.upper()

    def line_at(self, position: int) -> tuple[int, int]:
        start = self.text.rfind("\n", 0, position) + 1
        end = self.text.find("\n", position)
        return start, len(self.text) if end == -1 else end

    def find(self, keyword: str, pattern: re.Pattern[str]) -> tuple[re.Match[str], int] | None:
        """The first line holding `keyword` that `pattern` accepts, with the offset of its end."""
        position = self.upper.find(keyword)
        while position != -1:
            start, end = self.line_at(position)
            match = pattern.search(self.text, start, end)
            if match:
                return match, end
            position = self.upper.find(keyword, end)
        return None


def collapse(text: str) -> str:
    """Runs of white space as one space, none at the ends (str.split: several times a regex's speed)."""
    return " ".join(text.split())


def find_subject(head: CableHead) -> tuple[str, str | None]:
    """The subject as its readers cite it, and its marking (`(C)`) if it opens with one. The
    subject keeps the marking as written: the original site's titles show it, and so are cited.

    Runs over up to MAX_SUBJECT_LINES lines until a blank one (a lone `\\` is blank) or what ends
    it (_ENDS_SUBJECT); a label with an empty value takes the next line of text. A word
    hyphenated at a line's end joins the next (`EU-` / `RUSSIA`); a mixed-case sentence
    after an all-caps subject is not the subject's. HTML entities the dump kept (`&#8217;`) are
    decoded, line-continuation backslashes dropped.
    """
    found = head.find("UBJ", _SUBJECT)
    if not found:
        return "", None
    match, end = found
    lines = head.text[end + 1 :].split("\n", MAX_SUBJECT_LINES + 2)[: MAX_SUBJECT_LINES + 2]
    value = _cleaned_subject(_subject_lines(match.group(1), lines))
    marking = _SUBJECT_MARKING.match(value)
    return value, f"({marking.group(1).upper()})" if marking else None


def _subject_lines(value: str, lines: list[str]) -> str:
    """The label's value with the lines that continue it, as written."""
    for line in lines:
        if not line.strip() or line.strip() == "\\":
            if value.strip():
                break
            continue
        if _ENDS_SUBJECT.match(line) or value.count("\n") + 1 >= MAX_SUBJECT_LINES:
            break
        page_break = _PAGE_NUMBERS.search(line)
        if page_break:
            return f"{value}\n{_without_post(line[: page_break.start()])}"
        if value.strip() and value.upper() == value and _LOWER_CASE_WORD.search(line):
            break  # `THE BRIDGE` then `Embassy officials said ...`
        value = f"{value}\n{line}" if value.strip() else line
    return value


def _cleaned_subject(value: str) -> str:
    """The subject's lines as one: run-in labels, continuation backslashes and line-end
    hyphens dropped, entities decoded, spaces collapsed."""
    upper = value.upper()
    if "REF" in upper or "CLASSIFIED" in upper or "ACTION" in upper:  # most subjects hold none
        value = _RUN_IN_LABEL.sub("", value)
    if "\\" in value:
        value = _LINE_CONTINUATION.sub("", value)
    if "-" in value:
        value = _HYPHEN_AT_LINE_END.sub("-", value)
    return collapse(html.unescape(value))


def _without_post(text: str) -> str:
    """The text before a page break's numbers without the post's name at its end: the words
    that make a known post (`BRASILIA`, `NEW DELHI`) or begin one (`RIO DE JAN`), else one word."""
    words = text.split()
    for size in range(min(3, len(words)), 0, -1):
        name = "".join(words[-size:]).upper()
        if name in KNOWN_POSTS or (len(name) >= 6 and any(post.startswith(name) for post in KNOWN_POSTS)):
            return " ".join(words[:-size])
    return " ".join(words[:-1])


def find_eo(head: CableHead) -> str | None:
    for keyword in ("E.O", "EO "):
        found = head.find(keyword, _EO)
        if found:
            return collapse(found[0].group(1))
    return None


def _summary_end(head: CableHead, body: str, begin: int) -> re.Match[str] | None:
    """`End summary` within MAX_SUMMARY_CHARS of `begin`. Found with str.find on the head's
    upper-case twin where the head reaches (a case-blind regex over 6,000 characters cost a
    fifth of a cable's parse); the regex only checks each place."""
    limit = begin + MAX_SUMMARY_CHARS
    position = head.upper.find("SUMMARY", begin, limit)
    while position != -1:
        end = _SUMMARY_END.search(body, max(begin, position - 12), position + 7)
        if end:
            return end
        position = head.upper.find("SUMMARY", position + 7, limit)
    if limit > len(head.upper):
        return _SUMMARY_END.search(body, max(begin, len(head.upper) - 12), limit)
    return None


def find_summary(head: CableHead, body: str) -> str | None:
    """The summary: from `Summary:`, `BEGIN SUMMARY`, `1. (C) Summary:` or a SUMMARY heading to
    `End summary`, or, without one, to the end of the paragraph it opens in; an `End summary`
    with no label before it closes the text from paragraph 1 or the last heading (see
    _closed_summary). The number, the marking and a heading's dashes are not part of it;
    page-break and SIPDIS lines neither; a dash rule ends it. A cable without such a label
    has no summary (its first paragraph is not one).

    The summary opens near the top, so its start is looked for in the head only.
    """
    position = head.upper.find("SUMMARY")
    while position != -1:
        if _END_BEFORE.search(head.upper, max(0, position - 16), position):
            return _closed_summary(head, body, position)
        line_start = head.text.rfind("\n", 0, position) + 1
        start = _SUMMARY_START.search(head.text, max(0, line_start - 1), position + 60)
        if start:
            lead = _SUMMARY_LEAD.match(body, start.end())
            begin = lead.end() if lead else start.end()  # the lead may be empty: it always matches
            end = _summary_end(head, body, begin)
            if end is None:
                paragraph_end = _PARAGRAPH_END.search(body, begin, begin + MAX_SUMMARY_CHARS)
                stop = paragraph_end.start() if paragraph_end else min(len(body), begin + MAX_SUMMARY_CHARS)
            else:
                stop = end.start()
            return _summary_text(body, begin, stop)
        position = head.upper.find("SUMMARY", position + 7)
    return None


def _closed_summary(head: CableHead, body: str, summary_at: int) -> str | None:
    """The summary an `End summary` closes without a label to open it: from paragraph 1, or
    from after the last heading's rule if one comes later, or else from the start of the
    paragraph it ends."""
    end = head.upper.rfind("END", 0, summary_at)
    earliest = max(0, end - MAX_SUMMARY_CHARS)
    begin = -1
    for found in _FIRST_PARAGRAPH.finditer(head.text, earliest, end):
        begin = found.end()
        break
    for found in _RULE_LINE.finditer(head.text, max(earliest, begin), end):
        begin = found.end()
    if begin == -1:
        blanks = [found.end() for found in _BLANK_LINE.finditer(head.text, earliest, end)]
        begin = blanks[-1] if blanks else earliest
    lead = _SUMMARY_LEAD.match(body, begin, end)
    begin = lead.end() if lead else begin
    label = _BARE_SUMMARY_LABEL.match(body, begin, end)  # `1. (C) SUMMARY During ...`
    return _summary_text(body, label.end() if label else begin, end)


def _summary_text(body: str, begin: int, stop: int) -> str | None:
    for rule in _RULES:
        found = body.find(rule, begin, stop)
        if found != -1:
            stop = found
    text = _NOT_SUMMARY_TEXT.sub("", body[begin:stop])
    if "\\" in text:
        text = _BACKSLASH_AT_LINE_END.sub("", text)
    summary = collapse(text).rstrip(" .-")
    return summary + "." if summary else None
