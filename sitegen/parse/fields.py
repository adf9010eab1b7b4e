"""Read the labelled lines at the top of a cable body: SUBJECT, E.O. and the summary (TAGS: tags.py)."""

from __future__ import annotations

import html
import re

# `SUBJECT:`, `Subj:`, or `SUBJECT` and no colon at a line's start before an upper-case word
# (not "subject to approval" in a sentence).
_SUBJECT = re.compile(
    r"(?:(?:^|\s)SUBJ(?:ECT)?\s*:|^[^\S\n]*SUBJ(?:ECT)?[^\S\n]+(?-i:(?=[A-Z(\"'])))\s*(.*)", re.I | re.M
)
# What ends a subject that wraps: a blank line (see value_with_continuation), another label,
# the classification line, a page break, a paragraph (numbered or behind a marking), SIPDIS.
_ENDS_SUBJECT = re.compile(
    r"\s*(?:REF\b|REFS\b|REFTEL|REFERENCE|TAGS\b|E\.?\s?O\.?\s*\d|CLASSIFIED\s+BY|SENSITIVE\s+BUT\s+UNCLASSIFIED"
    r"|\d{1,3}\s?[.)]|\((?:U|C|S|SBU|TS|[UCS]//?[A-Z/ ]+|SBU/[A-Z/ ]+)\)|BEGIN\s+SUMMARY|SUMMARY\s*[:.]|SIPDIS"
    r"|[A-Z][A-Z .'\-]*\s\d{3,}\s+\d{3}\s+OF\s+\d{3}|(?:(?:UNCLASSIFIED|CONFIDENTIAL|SECRET)\s+)?PAGE\s+\d)",
    re.I,
)
# A REF label run into the subject's last word when the dump lost a line break (`PRIMEREF:`).
_GLUED_REF = re.compile(r"(?:REF|REFS|REFTEL)\s*:\s.*", re.S)
_SUBJECT_MARKING = re.compile(r"\s*\((U|C|S|SBU|TS|[UCS]//?[A-Z/ ]+|SBU/[A-Z/ ]+)\)\s*", re.I)
# A backslash that ended a line of the subject (`CONCERNS \` / `REGARDING`): the lines are
# joined by then, so it stands before a space or at the end.
_LINE_CONTINUATION = re.compile(r"\\+(?=\s|$)")
_EO = re.compile(r"(?:^|\s)(E\.?\s?O\.?\s*\d{4,5}\s*:?.*?)(?=\s+TAGS\b|$)", re.I | re.M)
# Lines that end a wrapped SUBJECT or TAGS: another label, a paragraph, a classification line.
_ENDS_FIELD = re.compile(
    r"\s*(?:REF|REFS|REFTEL|REFERENCE|REFERENCES|SUBJ|SUBJECT|TAGS|E\.?\s?O\.?\s*\d|CLASSIFIED\s+BY|"
    r"\d{1,3}\s?\.|\(|PAGE\s+\d|BEGIN\s+SUMMARY|SUMMARY\s*[:.]|SIPDIS)",
    re.I,
)
# Where a summary opens: `BEGIN SUMMARY` anywhere; `1. (C) Summary:` anywhere (a dump may have
# lost the line break before it); `Summary:` (or `Summary and comment.`) at a line's start,
# perhaps behind a marking; or a heading `SUMMARY` alone on its line. "In summary, ..." in a
# sentence opens nothing.
_SUMMARY_MARK = r"\(?[A-Z][A-Z/ \-]{0,19}\)"  # (C), (S/NF), (C/REL NATO), (S-NF), C)
_SUMMARY_LABEL = r"(?:[A-Z]+\s+AND\s+)?SUMMARY(?:\s+AND\s+[A-Z]+)?"  # Summary and comment, Introduction and summary
_SUMMARY_START = re.compile(
    rf"\bBEGIN\s+SUMMARY\b[^\S\n]*[:.\-]?"
    rf"|\b\d{{1,3}}\s?\.[^\S\n]*(?:{_SUMMARY_MARK}[^\S\n]*)?{_SUMMARY_LABEL}[^\S\n]*[:.\-]"
    rf"|(?:^|\n)[^\S\n]*(?:-+[^\S\n]*)?(?:\d{{1,3}}\s?\.[^\S\n]*)?(?:{_SUMMARY_MARK}[^\S\n]*)?"
    rf"{_SUMMARY_LABEL}(?:[^\S\n]*[:.\-]|[^\S\n]*(?=\n))"
    # a heading run onto the line before it, its dashes after it on its line or the next
    rf"|\bSUMMARY[^\S\n]*(?:-[^\S\n]*){{3,}}|\bSUMMARY[^\S\n]*\n[^\S\n]*(?:-[^\S\n]*){{3,}}\n",
    re.I,
)
_SUMMARY_END = re.compile(r"\bEND\s+(?:OF\s+)?SUMMARY\b", re.I)
# What comes between the label and the summary's first word: dashes under a heading, a
# paragraph number, a marking.
_SUMMARY_LEAD = re.compile(
    rf"(?:\s|-[\s-]*|=+|\d{{1,3}}\s?\.(?!\d)|{_SUMMARY_MARK}|:|{_SUMMARY_LABEL}\s*[:.\-])*", re.I
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

    def value_with_continuation(
        self, keyword: str, pattern: re.Pattern[str], max_more: int, stop: re.Pattern[str] | None = None
    ) -> str | None:
        """The value on the labelled line joined with the lines it wraps onto: up to `max_more`
        lines, ending at a blank line or a line `stop` matches (by default, another label)."""
        found = self.find(keyword, pattern)
        if not found:
            return None
        match, end = found
        stop = stop or _ENDS_FIELD
        parts = [match.group(1)]
        for following in self.text[end + 1 :].split("\n", max_more)[:max_more]:
            if not following.strip() or stop.match(following):
                break
            parts.append(following)
        return " ".join(parts)


def collapse(text: str) -> str:
    """Runs of white space as one space, none at the ends (str.split: several times a regex's speed)."""
    return " ".join(text.split())


def find_subject(head: CableHead) -> tuple[str, str | None]:
    """The subject as its readers cite it, and its marking (`(C)`) if it opens with one. The
    subject keeps the marking as written: the original site's titles show it, and so are cited.

    Runs over the lines it wraps onto until a blank line or what ends it (_ENDS_SUBJECT);
    HTML entities the dump kept (`&#8217;`) are decoded, line-continuation backslashes dropped.
    """
    value = head.value_with_continuation("SUBJ", _SUBJECT, max_more=4, stop=_ENDS_SUBJECT)
    if not value:
        return "", None
    value = _GLUED_REF.sub("", value)
    value = collapse(html.unescape(_LINE_CONTINUATION.sub("", value)))
    marking = _SUBJECT_MARKING.match(value)
    return value, f"({marking.group(1).upper()})" if marking else None


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
    `End summary`, or, without one, to the end of the paragraph it opens in. The number, the
    marking and a heading's dashes are not part of it; page-break and SIPDIS lines neither. A
    cable without such a label has no summary (its first paragraph is not one).

    The summary opens near the top, so its start is looked for in the head only.
    """
    position = head.upper.find("SUMMARY")
    while position != -1:
        line_start = head.text.rfind("\n", 0, position) + 1
        start = _SUMMARY_START.search(head.text, max(0, line_start - 1), position + 30)
        if start and not _SUMMARY_END.match(head.text, max(0, position - 8), position + 7):
            lead = _SUMMARY_LEAD.match(body, start.end())
            begin = lead.end() if lead else start.end()  # the lead may be empty: it always matches
            end = _summary_end(head, body, begin)
            if end is None:
                paragraph_end = _PARAGRAPH_END.search(body, begin, begin + MAX_SUMMARY_CHARS)
                stop = paragraph_end.start() if paragraph_end else min(len(body), begin + MAX_SUMMARY_CHARS)
            else:
                stop = end.start()
            summary = collapse(_NOT_SUMMARY_TEXT.sub("", body[begin:stop])).rstrip(" .-")
            return summary + "." if summary else None
        position = head.upper.find("SUMMARY", position + 7)
    return None
