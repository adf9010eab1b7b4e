"""A Pygments lexer for the routing header of a cable (and the labelled lines that open its body)."""

from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups
from pygments.token import Comment, Generic, Keyword, Literal, Name, Text, Whitespace

_CLASSIFICATION = (
    r"(?:UNCLASSIFIED|UNCLAS|CONFIDENTIAL|C O N F I D E N T I A L|SECRET|S E C R E T|NOFORN|LIMITED OFFICIAL USE)"
)


class CableHeaderLexer(RegexLexer):
    """Routing line, precedence, DTG, FM/TO/INFO, classification, E.O., TAGS, SUBJECT, REF."""

    name = "Cable header"
    aliases = ["cable-header", "cable"]
    filenames: list[str] = []

    tokens = {
        "root": [
            (r"^VZCZC\S*", Name.Label),  # routing line (start of message)
            # precedence (RR routine, PP priority, OO immediate, ZZ flash) and routing indicators
            (r"^((?:RR|PP|OO|ZZ|NIACT|[RPOZ] [RPOZ])\b)([^\n]*)", bygroups(Keyword.Type, Name.Variable)),
            (r"^(DE)([ \t]+)([^\n]*)", bygroups(Keyword, Whitespace, Name.Variable)),
            (r"^(ZN[YR])([ \t]+)([^\n]*)", bygroups(Keyword, Whitespace, Generic.Strong)),
            # date-time group: precedence, day-hour-minute Zulu, month, year
            (r"^([RPOZ])([ \t]+)(\d{6}Z\s+[A-Z]{3}\s+\d{2})", bygroups(Keyword.Type, Whitespace, Literal.Date)),
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
            (r"^([ \t]*E\.?\s?O\.?\s*\d{4,5}\s*:?)([^\n]*)", bygroups(Comment, Comment)),
            (r"^([ \t]*TAGS:?)([^\n]*)", bygroups(Keyword, Name.Tag)),
            (r"^([ \t]*SUBJ(?:ECT)?:)([^\n]*)", bygroups(Keyword, Generic.Heading)),
            (r"^([ \t]*REF(?:S|TEL|ERENCE)?:?)([^\n]*)", bygroups(Keyword, Name.Entity)),
            (_CLASSIFICATION, Generic.Strong),
            (r"\bSIPDIS\b", Comment),
            # The rest of a line, up to a classification word or SIPDIS.
            (r"[^\n]+?(?=\b" + _CLASSIFICATION + r"\b|\bSIPDIS\b|\n|$)", Text),
            (r"\n", Whitespace),
        ]
    }
