"""Search postings: a block of stems' postings -> scores, impact order, chunks and their files, in numpy (and a stem's chunks back, for hide.py).

Each posting is scored once (BM25 over the weighted fields, with the archive's statistics:
the same float operations in the same order as `round(factor * w / (w + norm))`, so the same
impacts in any process). A stem's postings are ordered best first (of equal impacts the
newest first, as the page breaks ties), cut into chunks of FIRST_CHUNK, then CHUNK_GROWTH
times more each, and each chunk is stored in cable order. The whole block is ordered and its
numbers LEB128-encoded at once; only the files are made one by one.
"""

from __future__ import annotations

import base64
import math
from array import array
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sitegen.search.runs import Block, gather
from sitegen.search.tokens import Column

K1, B = 1.2, 0.75
SCORE_SCALE = 8.0  # impact = round(score * SCORE_SCALE), 1..255: scores run to ~30
FIRST_CHUNK = 128  # a stem's first chunk: more than a page of results
CHUNK_GROWTH = 8  # each chunk after holds 8 times as many as the one before
INLINE_POSTINGS = 48  # a stem this rare keeps its postings in the dictionary file
WHERE_PIECE = 1 << 20  # positions encoded at a time
_CHUNK_ENDS = np.cumsum([FIRST_CHUNK * CHUNK_GROWTH**k for k in range(12)])

# (stem, its number of postings in the segment) -> its idf
Idf = Callable[[str, int], float]
Put = Callable[[str, bytes], None]


def norms(lengths: Column, average_length: float) -> Column:
    """BM25's length norm of each cable: K1 * (1 - B) + K1 * B * length / average."""
    scale = K1 * B / average_length
    base: float = K1 * (1 - B)
    result: Column = base + scale * lengths.astype(np.float64)
    return result


def write_block(segment: str, block: Block, stems: list[str], idf: Idf, norm: Column, put: Put) -> dict[str, str]:
    """The chunk files of a block's stems (to `put`) and their dictionary entries
    [df, [[count, best impact], ...], inline postings or 0]."""
    if not len(block.stem):
        return {}
    starts = np.flatnonzero(np.diff(block.stem, prepend=-1))
    df = np.diff(np.append(starts, len(block.stem)))
    numbers = block.stem[starts]
    factor = np.array(
        [SCORE_SCALE * idf(stems[n], int(d)) * (K1 + 1) for n, d in zip(numbers.tolist(), df.tolist(), strict=True)]
    )
    impact = _impacts(np.repeat(factor, df), block.weight, norm[block.doc])
    return write_scored(segment, Scored(block.stem, block.doc, block.count, impact, block.positions), stems, put)


@dataclass(frozen=True)
class Scored:
    """Postings by (stem, cable) with their impacts: all a stem's chunk files and entry are made
    of (a hidden cable's postings are taken out of these, the others' impacts unmoved: hide.py)."""

    stem: Column  # each posting's stem (a number into `stems`)
    doc: Column
    count: Column  # its positions
    impact: Column
    positions: Column  # each posting's, in the postings' order


def write_scored(segment: str, scored: Scored, stems: list[str], put: Put) -> dict[str, str]:
    """The chunk files (to `put`) and dictionary entries of scored postings."""
    if not len(scored.stem):
        return {}
    starts = np.flatnonzero(np.diff(scored.stem, prepend=-1))
    df = np.diff(np.append(starts, len(scored.stem)))
    numbers = scored.stem[starts]
    chunk = _chunks(starts, df, scored.impact)
    order = np.lexsort((scored.doc, chunk, scored.stem))  # by stem, chunk, then cable
    doc, impact, chunk = scored.doc[order], scored.impact[order], chunk[order]
    count = scored.count[order].astype(np.int64)
    position_starts = (np.cumsum(scored.count, dtype=np.int64) - scored.count)[order]
    chunk_starts = np.flatnonzero(np.diff(scored.stem[order].astype(np.int64) * 16 + chunk, prepend=-1))
    ids = _id_bytes(doc.astype(np.int64), chunk_starts)
    where = _where_pieces(count, position_starts, scored.positions)
    return _emit(segment, stems, _Chunked(numbers, df, chunk_starts, impact, ids, where), put)


def _impacts(factor: Column, weight: Column, norm: Column) -> Column:
    w = weight.astype(np.float64)
    return np.clip(np.rint(factor * w / (w + norm)), 1, 255).astype(np.uint8)


def _chunks(starts: Column, df: Column, impact: Column) -> Column:
    """Each posting's chunk: its rank in its stem by (-impact, -cable), cut at _CHUNK_ENDS.
    Postings are in (stem, cable) order: reversed, a stable sort by (stem, -impact) leaves
    equal impacts newest first."""
    n = len(impact)
    group = np.repeat(np.arange(len(starts), dtype=np.int64), df)
    key = (group << 8) | (255 - impact.astype(np.int64))
    by_rank = n - 1 - np.argsort(key[::-1], kind="stable")
    rank = np.empty(n, dtype=np.int64)
    rank[by_rank] = np.arange(n, dtype=np.int64) - np.repeat(starts, df)
    return np.searchsorted(_CHUNK_ENDS, rank, side="right").astype(np.int64)


def _id_bytes(doc: Column, chunk_starts: Column) -> tuple[bytes, Column]:
    """The ids of each chunk as deltas (the first from 0), LEB128, and each posting's offset."""
    delta = np.diff(doc, prepend=0)
    delta[chunk_starts] = doc[chunk_starts]
    return varints(delta)


def _where_pieces(count: Column, starts: Column, positions: Column) -> tuple[bytes, Column]:
    """The positions of the postings (in their new order: each from `starts`, `count` long),
    encoded a piece of WHERE_PIECE positions at a time: a common word's ten million positions
    would otherwise take ~30 bytes each of passing arrays."""
    ends = np.cumsum(count)
    cuts = np.unique(np.searchsorted(ends, np.arange(WHERE_PIECE, int(ends[-1]), WHERE_PIECE), side="right"))
    data: list[bytes] = []
    offsets: list[Column] = []
    done = 0
    for a, b in zip([0, *cuts.tolist()], [*cuts.tolist(), len(count)], strict=True):
        piece, at = _where_bytes(count[a:b], positions[gather(starts[a:b], count[a:b])].astype(np.int32))
        data.append(piece)
        offsets.append(at + done)
        done += len(piece)
    return b"".join(data), np.concatenate(offsets)


def _where_bytes(count: Column, positions: Column) -> tuple[bytes, Column]:
    """Per posting its count of positions, then each as a delta (the first from 0)."""
    n = len(count)
    step = np.diff(positions, prepend=np.int32(0))
    first = np.cumsum(count) - count
    step[first] = positions[first]  # every posting has a position
    slots = first + np.arange(n)  # where each posting's count goes among counts and steps
    values = np.empty(n + len(positions), dtype=np.int32)
    is_step = np.ones(len(values), dtype=bool)
    is_step[slots] = False
    values[slots] = count
    values[is_step] = step
    del step, is_step
    data, offsets = varints(values)
    return data, offsets[slots]


def varints(values: Column) -> tuple[bytes, Column]:
    """LEB128 of every value (below 2**35), and where each value's bytes start (one past the
    end last). Most values (deltas of ids and positions) take one byte."""
    size = np.ones(len(values), dtype=np.uint8)
    for shift in (7, 14, 21, 28):
        size += values >= (1 << shift)
    if not len(values) or size.max() == 1:
        return values.astype(np.uint8).tobytes(), np.arange(len(values) + 1, dtype=np.int64)
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(size, out=offsets[1:])
    out = np.empty(int(offsets[-1]), dtype=np.uint8)
    out[offsets[:-1]] = (values & 0x7F) | ((size > 1) << 7)
    for k in range(1, int(size.max())):
        here = np.flatnonzero(size > k)
        out[offsets[here] + k] = ((values[here] >> (7 * k)) & 0x7F) | ((size[here] > k + 1) << 7)
    return out.tobytes(), offsets


def unvarints(data: bytes) -> Column:
    """The values LEB128 `data` holds (what `varints` wrote), as i64. Raises ValueError if the
    last value is cut off."""
    raw = np.frombuffer(data, dtype=np.uint8)
    last = (raw & 0x80) == 0
    if len(raw) and not last[-1]:
        raise ValueError("a value is cut off")
    value_of = np.cumsum(last) - last  # each byte's value
    starts = np.flatnonzero(np.concatenate(([True], last[:-1])))[: int(last.sum())]
    place = np.arange(len(raw)) - starts[value_of]  # each byte's place in its value
    values = (raw[starts] & 0x7F).astype(np.int64)
    for k in range(1, int(place.max()) + 1 if len(raw) else 0):
        if k > 8:
            raise ValueError("a value is too long")
        here = np.flatnonzero(place == k)
        values[value_of[here]] |= (raw[here] & 0x7F).astype(np.int64) << (7 * k)
    return values


@dataclass(frozen=True)
class Postings:
    """A stem's postings decoded from its chunk files (chunk after chunk): what an edit that
    hides a cable re-chunks (hide.py)."""

    doc: Column
    impact: Column  # u8
    count: Column
    positions: Column  # each posting's, in the postings' order

    def without(self, hidden: Column) -> Postings:
        keep = ~np.isin(self.doc, hidden)
        where = np.repeat(keep, self.count)
        return Postings(self.doc[keep], self.impact[keep], self.count[keep], self.positions[where])

    @staticmethod
    def joined(chunks: list[Postings]) -> Postings:
        doc, impact = np.concatenate([c.doc for c in chunks]), np.concatenate([c.impact for c in chunks])
        return Postings(
            doc, impact, np.concatenate([c.count for c in chunks]), np.concatenate([c.positions for c in chunks])
        )


def decode_chunk(ids: bytes, impacts: bytes, positions: bytes) -> Postings:
    """One chunk's postings, as _emit wrote them: ids as deltas (the first from 0), impacts a
    byte each, and per posting its count of positions then each as a delta (the first from 0).
    Raises ValueError where they are not so."""
    doc = np.cumsum(unvarints(ids))
    impact = np.frombuffer(impacts, dtype=np.uint8)
    values = unvarints(positions)
    if len(impact) != len(doc) or not len(doc):
        raise ValueError("a chunk's ids and impacts differ in number")
    count = _counts(values, len(doc))
    slots = np.cumsum(count + 1) - count - 1  # where each posting's count is among the values
    is_step = np.ones(len(values), dtype=bool)
    is_step[slots] = False
    steps = values[is_step]
    total = np.cumsum(steps)
    firsts = np.cumsum(count) - count
    where = total - np.repeat(total[firsts] - steps[firsts], count)
    if where.min() < 0 or where.max() > 0xFFFF or (np.diff(doc) <= 0).any():
        raise ValueError("a chunk's ids or positions are out of order")
    return Postings(doc, impact, count, where)


def _counts(values: Column, postings: int) -> Column:
    """Each posting's count of positions: a count, then that many positions, and so on (a
    walk from count to count over a memoryview: through numpy scalars it took 5 times as long)."""
    view, slots, at = np.ascontiguousarray(values, dtype=np.int64).data, array("q"), 0
    try:
        for _ in range(postings):
            slots.append(at)
            at += 1 + view[at]
    except IndexError:
        raise ValueError("a chunk's positions are cut off") from None
    count: Column = values[np.frombuffer(slots, dtype=np.int64)]
    if at != len(values) or (count < 1).any():
        raise ValueError("a chunk's positions are not as the build writes them")
    return count


def scored(stems: list[Postings]) -> Scored:
    """Stems' postings (numbered as listed) in (stem, cable) order, as write_block has them."""
    parts: list[tuple[Column, Column, Column, Column, Column]] = []
    for number, postings in enumerate(stems):
        order = np.argsort(postings.doc, kind="stable")
        starts = np.cumsum(postings.count) - postings.count
        where = postings.positions[gather(starts[order], postings.count[order])]
        stem = np.full(len(order), number, dtype=np.int32)
        parts.append((stem, postings.doc[order], postings.count[order], postings.impact[order], where))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return Scored(empty, empty, empty, empty.astype(np.uint8), empty)
    return Scored(*(np.concatenate(column) for column in zip(*parts, strict=True)))


@dataclass(frozen=True)
class _Chunked:
    """A block's postings in file order (by stem, chunk, then cable), encoded, with where each
    stem's and chunk's postings start: what write_block hands to _emit."""

    numbers: Column  # each stem's number (into the segment's stems)
    df: Column  # each stem's count of postings
    chunk_starts: Column  # the first posting of each chunk
    impact: Column  # each posting's impact
    ids: tuple[bytes, Column]  # the ids' bytes and each posting's offset in them
    where: tuple[bytes, Column]  # the positions' bytes and each posting's offset in them


def _emit(segment: str, stems: list[str], chunked: _Chunked, put: Put) -> dict[str, str]:
    numbers, df, chunk_starts, impact = chunked.numbers, chunked.df, chunked.chunk_starts, chunked.impact
    id_data, id_offsets = chunked.ids
    where_data, where_offsets = chunked.where
    impact_bytes = impact.tobytes()
    chunk_ends = np.append(chunk_starts[1:], len(impact))
    best = np.maximum.reduceat(impact, chunk_starts).tolist() if len(impact) else []
    stem_ends = np.cumsum(df).tolist()
    starts, ends = chunk_starts.tolist(), chunk_ends.tolist()
    id_at, where_at = id_offsets.tolist(), [*where_offsets.tolist(), len(where_data)]
    entries: dict[str, str] = {}
    c = 0
    for number, count, end in zip(numbers.tolist(), df.tolist(), stem_ends, strict=True):
        stem = stems[number]
        summary: list[str] = []
        inline = "0"
        k = 0
        while c < len(starts) and starts[c] < end:
            a, b = starts[c], ends[c]
            summary.append(f"[{b - a},{best[c]}]")
            parts = [_b64(id_data[id_at[a] : id_at[b]]), _b64(impact_bytes[a:b])]
            positions = _b64(where_data[where_at[a] : where_at[b]])
            if count <= INLINE_POSTINGS:
                inline = f'["{parts[0]}","{parts[1]}","{positions}"]'
            else:
                key = f"{segment}/p/{stem[:2]}/{stem}.{k}"
                put(key + ".js", f'sitegenSearch.put("{key}",["{parts[0]}","{parts[1]}"]);\n'.encode("ascii"))
                key = f"{segment}/q/{stem[:2]}/{stem}.{k}"
                put(key + ".js", f'sitegenSearch.put("{key}","{positions}");\n'.encode("ascii"))
            c += 1
            k += 1
        # The entry [df, [[count, best impact], ...], inline postings or 0] as compact JSON.
        entries[stem] = f"[{count},[{','.join(summary)}],{inline}]"
    return entries


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def idf_of(documents: int, base_df: dict[str, int]) -> Idf:
    """BM25's idf, from the base's counts where it has the stem (so a release rescores nothing)."""

    def idf(stem: str, local_df: int) -> float:
        df = base_df.get(stem) or local_df
        n = max(documents, df)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    return idf
