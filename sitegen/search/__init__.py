"""Search: the released cables -> sitegen's own static index (output/search/), read by theme/static/search.js.

words.py folds, splits and stems; segment.py writes one segment's files; index.py decides which
segments a build writes anew and keeps the record of what the index in place holds.
"""

from sitegen.search.index import (
    IndexOutput,
    IndexUpdate,
    Record,
    entries_of,
    member_of,
    read_record,
    search_members,
    update_index,
    withdrawn_member,
)
from sitegen.search.segment import Member

__all__ = [
    "IndexOutput",
    "IndexUpdate",
    "Member",
    "Record",
    "entries_of",
    "member_of",
    "read_record",
    "search_members",
    "update_index",
    "withdrawn_member",
]
