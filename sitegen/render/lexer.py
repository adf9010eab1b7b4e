"""A Pygments lexer for the routing header of a cable (and the labelled lines that open its body)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import ClassVar

from pygments.lexer import RegexLexer, bygroups
from pygments.token import Comment, Error, Generic, Keyword, Literal, Name, Text, Whitespace, _TokenType

_CLASSIFICATION = (
    r"(?:UNCLASSIFIED|UNCLAS|CONFIDENTIAL|C O N F I D E N T I A L|SECRET|S E C R E T|NOFORN|LIMITED OFFICIAL USE)"
)


# What a rule does with its match: one token type, or bygroups' callback (one type per group).
_Action = _TokenType | Callable[..., Iterator[tuple[int, _TokenType, str]]]
# The same in the combined pattern: a token type, or (the first group's index, its token types).
_Combined = _TokenType | tuple[int, tuple[_TokenType, ...]]

_BYGROUPS: dict[int, tuple[_TokenType, ...]] = {}


def _groups(*types: _TokenType) -> _Action:
    """pygments' bygroups, remembering its token types for the combined pattern below."""
    callback: _Action = bygroups(*types)  # type: ignore[no-untyped-call]  # types-pygments leaves bygroups unannotated
    _BYGROUPS[id(callback)] = types
    return callback


class CableHeaderLexer(RegexLexer):
    """Routing line, precedence, DTG, FM/TO/INFO, classification, E.O., TAGS, SUBJECT, REF."""

    name = "Cable header"
    aliases = ["cable-header", "cable"]
    filenames: ClassVar[list[str]] = []

    tokens = {
        "root": [
            (r"^VZCZC\S*", Name.Label),  # routing line (start of message)
            # precedence (RR routine, PP priority, OO immediate, ZZ flash) and routing indicators
            (r"^((?:RR|PP|OO|ZZ|NIACT|[RPOZ] [RPOZ])\b)([^\n]*)", _groups(Keyword.Type, Name.Variable)),
            (r"^(DE)([ \t]+)([^\n]*)", _groups(Keyword, Whitespace, Name.Variable)),
            (r"^(ZN[YR])([ \t]+)([^\n]*)", _groups(Keyword, Whitespace, Generic.Strong)),
            # date-time group: precedence, day-hour-minute Zulu, month, year
            (r"^([RPOZ])([ \t]+)(\d{6}Z\s+[A-Z]{3}\s+\d{2})", _groups(Keyword.Type, Whitespace, Literal.Date)),
            (r"\b\d{6}Z\s+[A-Z]{3}\s+\d{2}\b", Literal.Date),
            (r"^(FM|TO|INFO|XMT|BT)\b", Keyword),
            (r"^[A-Z]{4,7}/[^\n]*", Name.Variable),  # an addressee: routing indicator/office
            # A line that starts with none of the above and holds no classification word is one
            # token: most header lines are plain, and Pygments pays per token.
            (
                r"^(?![^\n]*\b"
                + _CLASSIFICATION
                + r"\b)(?![ \t]*(?:E\.?\s?O\.?\s*\d|TAGS|SUBJ|REF|SIPDIS|VZCZC|[RPOZ][ \t]+\d{6}Z|ZN[YR]|DE[ \t]))[^\n]+",
                Text,
            ),
            (r"^([ \t]*E\.?\s?O\.?\s*\d{4,5}\s*:?)([^\n]*)", _groups(Comment, Comment)),
            (r"^([ \t]*TAGS:?)([^\n]*)", _groups(Keyword, Name.Tag)),
            (r"^([ \t]*SUBJ(?:ECT)?:)([^\n]*)", _groups(Keyword, Generic.Heading)),
            (r"^([ \t]*REF(?:S|TEL|ERENCE)?:?)([^\n]*)", _groups(Keyword, Name.Entity)),
            (_CLASSIFICATION, Generic.Strong),
            (r"\bSIPDIS\b", Comment),
            # The rest of a line, up to a classification word or SIPDIS.
            (r"[^\n]+?(?=\b" + _CLASSIFICATION + r"\b|\bSIPDIS\b|\n|$)", Text),
            (r"\n", Whitespace),
        ]
    }

    def __init__(self, **options: object) -> None:
        super().__init__(**options)
        self._rules = _one_pattern(self.tokens["root"], self.flags)

    def get_tokens_unprocessed(
        self, text: str, stack: Iterable[str] = ("root",)
    ) -> Iterator[tuple[int, _TokenType, str]]:
        """The tokens RegexLexer's loop gives, found by one regex instead of trying each rule
        in turn at each position (Pygments pays a Python call per rule tried): an alternation
        also takes the first alternative that matches where it stands. tests hold the two equal."""
        pattern, actions = self._rules
        match_at = pattern.match
        pos = 0
        end = len(text)
        while pos < end:
            m = match_at(text, pos)
            if m is None:  # no rule matches here: RegexLexer yields the character as an error
                yield pos, Whitespace if text[pos] == "\n" else Error, text[pos]
                pos += 1
                continue
            action = actions[m.lastgroup or ""]
            if isinstance(action, _TokenType):
                yield pos, action, m.group()
            else:  # bygroups: (first group's index, its token types)
                first, types = action
                for offset, token in enumerate(types):
                    data = m.group(first + offset)
                    if data:
                        yield m.start(first + offset), token, data
            pos = m.end()


def _one_pattern(
    rules: Sequence[tuple[str, _Action] | tuple[str, _Action, str]], flags: int
) -> tuple[re.Pattern[str], dict[str, _Combined]]:
    """The rules of one state as one alternation, each rule a named group; a bygroups rule's
    action becomes the index of its first inner group and the token of each."""
    parts = []
    for index, (rule, _action, *state) in enumerate(rules):
        assert not state, "one state only: the combined pattern knows no transitions"
        parts.append(f"(?P<r{index}>{rule})")
    pattern = re.compile("|".join(parts), flags)
    actions: dict[str, _Combined] = {}
    for index, (_rule, action, *_state) in enumerate(rules):
        types = _BYGROUPS.get(id(action))
        name = f"r{index}"
        if types:
            actions[name] = (pattern.groupindex[name] + 1, types)
        else:
            assert isinstance(action, _TokenType), "a callback other than bygroups' has no place here"
            actions[name] = action
    return pattern, actions
