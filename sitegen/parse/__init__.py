"""Parse: a stored CableRecord -> a Cable with subject, tags, references, summary and paragraphs.

Never raises on any text: a cable that lacks a field simply has it empty.
"""

from __future__ import annotations

from sitegen.model import Cable, CableRecord, CableText
from sitegen.parse.fields import CableHead, find_eo, find_subject, find_summary
from sitegen.parse.paragraphs import number_blocks, split_blocks
from sitegen.parse.references import dump_references, spellings_of, text_references
from sitegen.parse.signer import find_signer
from sitegen.parse.tags import read_tags


def parse_cable(record: CableRecord, with_blocks: bool = True) -> Cable:
    """Derive everything a page shows from a record's text.

    Without blocks (paragraphs) the parse is about twice as fast: the catalogue needs only
    the subject, tags and references of every cable; pages need the blocks of one.
    """
    body = record.body
    head = CableHead(body)
    listed = dump_references(record.references)
    found = text_references(head, record.reference_id, frozenset(_post_of(ref) for ref in listed))
    references = listed + [ref.reference_id for ref in found if ref.reference_id not in listed]
    subject, subject_marking = find_subject(head)
    tags, person_spellings, tag_runs = read_tags(head)
    return Cable(
        record=record,
        subject=subject,
        subject_marking=subject_marking,
        tags=tags,
        eo=find_eo(head),
        summary=find_summary(head, body),
        text_references=tuple(found),
        references=tuple(references),
        blocks=tuple(number_blocks(split_blocks(body))) if with_blocks else (),
        person_spellings=person_spellings,
        tag_runs=tag_runs,
        reference_spellings=_reference_spellings(references[len(listed) :], record.reference_id),
    )


def _reference_spellings(found: list[str], own_id: str) -> tuple[tuple[str, ...], ...]:
    """The spellings of each reference the text names by a post spelt two ways (the dump's
    References name an ID, not a post: theirs are as written). Never the cable's own ID."""
    spelled = []
    for reference_id in found:
        spellings = tuple(ref for ref in spellings_of(reference_id) if ref != own_id)
        if len(spellings) > 1:
            spelled.append(spellings)
    return tuple(spelled)


def parse_body(record: CableRecord) -> CableText:
    """Only what a cable page needs beyond its catalogue entry: the blocks, the REF lines'
    references and the signer."""
    head = CableHead(record.body)
    listed = dump_references(record.references)
    found = text_references(head, record.reference_id, frozenset(_post_of(ref) for ref in listed))
    return CableText(tuple(number_blocks(split_blocks(record.body))), tuple(found), find_signer(record.body))


def _post_of(reference_id: str) -> str:
    return reference_id[2:].rstrip("0123456789")
