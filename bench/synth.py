"""Synthetic cables in the content format, shaped like the public archive, for benchmarks and the sample site.

    python bench/synth.py N OUT_DIR [--seed 1]      # N cables under OUT_DIR/content/cables/
    python bench/synth.py --sample OUT_DIR          # the bundled sample site's 50 cables

Seeded: the same N and seed give the same bytes. Shapes (from ../shared/corpus/distribution.json
and the corpus notes): ~270 origins Zipf-weighted, 2,000+ tags Zipf-weighted (a few in more than
10% of cables), 3-8 tags a cable, six classifications, created 1966-2010 skewed to 2004-2010,
release dates in batches, numbered and marked paragraphs with page breaks and references, body
size lognormal around 7 KB with a tail past 60 KB. The text is invented.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import math
import random
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sitegen.model import CableRecord
from sitegen.sources.cablefile import cable_path, format_cable

CLASSIFICATIONS = [
    ("UNCLASSIFIED", 0.25, "UNCLAS", "(U)"),
    ("UNCLASSIFIED//FOR OFFICIAL USE ONLY", 0.14, "UNCLAS", "(SBU)"),
    ("CONFIDENTIAL", 0.39, "C O N F I D E N T I A L", "(C)"),
    ("CONFIDENTIAL//NOFORN", 0.02, "C O N F I D E N T I A L", "(C/NF)"),
    ("SECRET", 0.17, "S E C R E T", "(S)"),
    ("SECRET//NOFORN", 0.03, "S E C R E T", "(S/NF)"),
]

# Places with the kind of post the archive names them by; the sample site uses these.
PLACES = [
    ("Embassy", "Athens", "ATHENS", "GR"),
    ("Embassy", "Ankara", "ANKARA", "TU"),
    ("Embassy", "Baghdad", "BAGHDAD", "IZ"),
    ("Embassy", "Beijing", "BEIJING", "CH"),
    ("Embassy", "Berlin", "BERLIN", "GM"),
    ("Embassy", "Bogota", "BOGOTA", "CO"),
    ("Embassy", "Brasilia", "BRASILIA", "BR"),
    ("Embassy", "Cairo", "CAIRO", "EG"),
    ("Embassy", "Dhaka", "DHAKA", "BG"),
    ("Embassy", "Dublin", "DUBLIN", "EI"),
    ("Embassy", "Hanoi", "HANOI", "VM"),
    ("Embassy", "Harare", "HARARE", "ZI"),
    ("Embassy", "Islamabad", "ISLAMABAD", "PK"),
    ("Embassy", "Jakarta", "JAKARTA", "ID"),
    ("Embassy", "Kabul", "KABUL", "AF"),
    ("Embassy", "Lima", "LIMA", "PE"),
    ("Embassy", "London", "LONDON", "UK"),
    ("Embassy", "Madrid", "MADRID", "SP"),
    ("Embassy", "Moscow", "MOSCOW", "RS"),
    ("Embassy", "Nairobi", "NAIROBI", "KE"),
    ("Embassy", "New Delhi", "NEWDELHI", "IN"),
    ("Embassy", "Oslo", "OSLO", "NO"),
    ("Embassy", "Paris", "PARIS", "FR"),
    ("Embassy", "Quito", "QUITO", "EC"),
    ("Embassy", "Reykjavik", "REYKJAVIK", "IC"),
    ("Embassy", "Tbilisi", "TBILISI", "GG"),
    ("Embassy", "Tokyo", "TOKYO", "JA"),
    ("Embassy", "Ulaanbaatar", "ULAANBAATAR", "MG"),
    ("Embassy", "Vienna", "VIENNA", "AU"),
    ("Embassy", "Warsaw", "WARSAW", "PL"),
    ("Embassy", "Yerevan", "YEREVAN", "AM"),
    ("Embassy", "Zagreb", "ZAGREB", "HR"),
    ("Consulate", "Guangzhou", "GUANGZHOU", "CH"),
    ("Consulate", "Istanbul", "ISTANBUL", "TU"),
    ("Consulate", "Sao Paulo", "SAOPAULO", "BR"),
    ("Consulate", "Karachi", "KARACHI", "PK"),
    ("Mission", "USNATO", "USNATO", "NATO"),
    ("Mission", "UNVIE Vienna", "UNVIEVIENNA", "IAEA"),
    ("Secretary of", "State", "STATE", "XX"),
]

COMMON_TAGS = {
    "PREL": "External political relations",
    "PGOV": "Internal governmental affairs",
    "ECON": "Economic conditions",
    "PHUM": "Human rights",
    "MARR": "Military and defense arrangements",
    "PTER": "Terrorists and terrorism",
    "KDEM": "Democratization",
    "EFIN": "Financial and monetary affairs",
    "ETRD": "Foreign trade",
    "ENRG": "Energy and power",
    "MOPS": "Military operations",
    "KCRM": "Criminal activity",
    "SNAR": "Narcotics",
    "PINR": "Intelligence",
    "KNNP": "Nuclear non-proliferation",
    "MNUC": "Military nuclear applications",
    "PARM": "Arms controls and disarmament",
    "EAID": "Foreign economic assistance",
    "SOCI": "Social conditions",
    "KIPR": "Intellectual property rights",
    "ASEC": "Security",
    "CASC": "Assistance to citizens",
    "KPAO": "Public affairs office",
    "OVIP": "Visits of high officials",
    "SENV": "Environmental affairs",
    "TBIO": "Biotechnology",
    "ELAB": "Labor affairs",
    "KJUS": "Administration of justice",
    "KWMN": "Women's issues",
    "PINS": "National security",
    "EINV": "Foreign investment",
    "ECPS": "Communications and postal systems",
    "KISL": "Islamic affairs",
    "KTFN": "Terrorism financing",
    "KWBG": "West Bank and Gaza",
    "MASS": "Military assistance",
    "EAGR": "Agriculture",
    "EPET": "Petroleum",
    "KMDR": "Media reaction",
    "KFRD": "Fraud prevention",
    "UNSC": "UN Security Council",
    "AORC": "International organizations",
    "KSUM": "Summits",
    "PREF": "Refugees",
    "SMIG": "Migration",
    "TSPA": "Space activities",
    "KGHG": "Greenhouse gases",
    "EWWT": "Waterways and transport",
    "KTIP": "Trafficking in persons",
    "KHIV": "HIV/AIDS",
    "CVIS": "Visas",
    "KPKO": "Peacekeeping operations",
}

MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]

SUBJECT_TOPICS = [
    "{country} OPPOSITION WEIGHS BOYCOTT OF {month_name} ELECTIONS",
    "AMBASSADOR'S MEETING WITH {country} FOREIGN MINISTER",
    "{country}: CABINET RESHUFFLE LEAVES REFORMERS SIDELINED",
    "{country} ENERGY MINISTER ON PIPELINE PLANS AND GAS PRICES",
    "SCENESETTER FOR THE DEPUTY SECRETARY'S VISIT TO {country}",
    "{country} PARLIAMENT DEBATES NEW MEDIA LAW",
    "COUNTERTERRORISM COOPERATION WITH {country}: NEXT STEPS",
    "{country}: CENTRAL BANK GOVERNOR ON INFLATION AND THE CURRENCY",
    "HUMAN RIGHTS ACTIVISTS DESCRIBE PRESSURE ON NGOS IN {country}",
    "{country} MILITARY SEEKS HELICOPTERS AND TRAINING",
    "DEMARCHE DELIVERED: {country} ON THE SECURITY COUNCIL RESOLUTION",
    "{country} PRIME MINISTER'S COALITION UNDER STRAIN",
    "TRAFFICKING IN PERSONS: {country} RESPONDS TO TIER RANKING",
    "{country}: INTELLECTUAL PROPERTY ENFORCEMENT STILL WEAK",
    "READOUT OF THE {country} DEFENSE MINISTER'S CALL ON THE AMBASSADOR",
    "{country} ECONOMY: FOREIGN INVESTORS WARY AFTER TAX CHANGES",
]

SENTENCES = [
    "The minister told the Ambassador that the government would not change course before the elections.",
    "Contacts in the ruling party describe the mood in the capital as tense but calm.",
    "He stressed that cooperation with the United States remained a priority for the government.",
    "Opposition leaders complained that state television gave them almost no time on air.",
    "The central bank expects inflation to ease in the second half of the year, although few private economists agree.",
    "Embassy officers visited the border region and found the new checkpoints staffed but poorly equipped.",
    "Mr. XXXXXXXXXXXX asked that his name not be used, citing pressure on his family.",  # a redaction, as the dump has them
    "The draft law would require non-governmental organizations to register again with the interior ministry.",
    "Several diplomats from European missions shared the same assessment in a meeting on Tuesday.",
    "The Deputy Foreign Minister said the proposal would be studied carefully and answered in writing.",
    "Local businesses report that customs delays have doubled since the spring.",
    "Post will continue to follow the matter closely and report developments.",
    "The governor claimed credit for the new factory, which local press say was financed from abroad.",
    "In a separate conversation, a senior adviser offered a more candid view of the cabinet's divisions.",
    "The defense ministry wants to buy transport helicopters and asked about training for pilots and mechanics.",
    "Prosecutors opened an investigation in March but no charges have been filed.",
    "Students staged a small demonstration outside the ministry; police dispersed it without arrests.",
    "The Ambassador urged the government to allow independent observers to monitor the vote.",
    "Officials acknowledged that administrative fines alone have not deterred the counterfeiters.",
    "The President's spokesman dismissed the reports as rumors spread by the opposition.",
]

COMMENTS = [
    "COMMENT: The minister's tone was warmer than in previous meetings, but the substance has not changed. END COMMENT.",
    "COMMENT: We expect the government to delay a decision until after the holiday. END COMMENT.",
    "COMMENT: This is the clearest signal yet that the coalition will not survive the budget debate. END COMMENT.",
]


@dataclass(frozen=True)
class Shape:
    """The weighted choices a corpus is drawn from (weights stored cumulative, for bisect)."""

    origins: list[tuple[str, str, str]]  # (origin name, post code, country tag)
    origin_cumulative: list[float]
    tags: list[str]
    tag_cumulative: list[float]

    def origin(self, rng: random.Random) -> tuple[str, str, str]:
        return weighted(rng, self.origins, self.origin_cumulative)

    def tag(self, rng: random.Random) -> str:
        return weighted(rng, self.tags, self.tag_cumulative)


def zipf_weights(count: int, exponent: float = 1.0) -> list[float]:
    return [1.0 / (rank**exponent) for rank in range(1, count + 1)]


def cumulative(weights: list[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def archive_shape(rng: random.Random, origins: int = 270, tags: int = 2100) -> Shape:
    places = [(f"{kind} {city}", code, country) for kind, city, code, country in PLACES]
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    while len(places) < origins:
        city = "".join(rng.choice(letters) for _ in range(rng.randint(4, 9))).title()
        code = city.upper()
        if all(code != existing[1] for existing in places):
            places.append((f"{rng.choice(['Embassy', 'Consulate'])} {city}", code, city[:2].upper()))
    rng.shuffle(places)
    tag_names = list(COMMON_TAGS) + sorted({country for _, _, country in places})
    while len(tag_names) < tags:
        candidate = "K" + "".join(rng.choice(letters) for _ in range(3))
        if candidate not in tag_names:
            tag_names.append(candidate)
    return Shape(
        places, cumulative(zipf_weights(len(places), 1.05)), tag_names, cumulative(zipf_weights(len(tag_names), 1.1))
    )


def weighted(rng: random.Random, items: list, cumulative_weights: list[float]):
    return items[bisect.bisect(cumulative_weights, rng.random() * cumulative_weights[-1])]


def created_moment(rng: random.Random) -> tuple[int, int, int, int, int]:
    year = 1966 + int(rng.random() * 38) if rng.random() < 0.03 else 2004 + min(6, int(rng.betavariate(3, 2) * 7))
    return year, rng.randint(1, 12), rng.randint(1, 28), rng.randint(0, 23), rng.randint(0, 59)


def body_size(rng: random.Random) -> int:
    return int(min(90_000, max(400, rng.lognormvariate(math.log(7000), 0.75))))


def paragraph(rng: random.Random, number: int | None, marking: str, width: int = 68) -> str:
    sentences = " ".join(rng.choice(SENTENCES) for _ in range(rng.randint(2, 7)))
    lead = f"{number}. {marking} " if number else f"{marking} "
    return wrap(lead + sentences, width)


def wrap(text: str, width: int) -> str:
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            lines.append(line + " ")
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line + " ")
    return "\n".join(lines)


@dataclass(frozen=True)
class Chosen:
    """What is settled for a cable before it is drawn: its release (None: not released), and
    what the sample site fixes instead of drawing it at random (None: drawn)."""

    released: str | None
    size: int | None = None
    origin: tuple[str, str, str] | None = None
    classification: tuple[str, float, str, str] | None = None
    created: tuple[int, int, int, int, int] | None = None
    extra_tags: tuple[str, ...] = ()


def make_cable(
    rng: random.Random, shape: Shape, sequence: int, numbers: dict[str, int], earlier: list[str], chosen: Chosen
) -> CableRecord:
    origin_name, post, country = chosen.origin or shape.origin(rng)
    year, month, day, hour, minute = chosen.created or created_moment(rng)
    numbers[post] = numbers.get(post, 0) + rng.randint(1, 40)
    number = numbers[post]
    reference_id = f"{year % 100:02d}{post}{number}"
    classification = chosen.classification or rng.choices(CLASSIFICATIONS, weights=[c[1] for c in CLASSIFICATIONS])[0]
    label, _, banner, marking = classification
    tags: list[str] = []
    for _ in range(rng.randint(3, 8)):
        tag = shape.tag(rng)
        if tag not in tags:
            tags.append(tag)
    if country not in tags:
        tags.append(country)
    tags += [tag for tag in chosen.extra_tags if tag not in tags]
    refs = rng.sample(earlier[-200:], k=min(len(earlier[-200:]), rng.choice([0, 0, 1, 1, 2, 3])))
    subject = rng.choice(SUBJECT_TOPICS).format(
        country=origin_name.split(" ", 1)[1].upper(), month_name=MONTH_NAMES[month - 1]
    )
    dtg = f"{day:02d}{hour:02d}{minute:02d}Z {MONTH_NAMES[month - 1]} {year % 100:02d}"
    header = (
        f"VZCZCXRO{rng.randint(1000, 9999)}\nRR RUEHWEB\nDE RUEH{post[:2]} #{number % 10000:04d}/01 {rng.randint(1000000, 3659999)}\n"
        f"ZNY {'CCCCC' if label.startswith('C') else 'SSSSS' if label.startswith('S') else 'UUUUU'} ZZH\n"
        f"R {dtg}\nFM {'AMEMBASSY' if origin_name.startswith('Embassy') else 'AMCONSUL' if origin_name.startswith('Consulate') else 'SECSTATE'} {post}\n"
        f"TO RUEHC/SECSTATE WASHDC {rng.randint(1000, 9999)}\nINFO RUEHZL/EUROPEAN POLITICAL COLLECTIVE\n"
    )
    target = chosen.size or body_size(rng)
    total_pages = max(1, target // 3000 + 1)
    opening = [
        f"{banner} SECTION 01 OF {total_pages:02d} {post} {number:06d} ",
        " ",
        "SIPDIS ",
        " ",
        f"E.O. 12958: DECL: {month:02d}/{day:02d}/{year + 10}" if not label.startswith("UNCLAS") else "E.O. 12958: N/A",
        "TAGS: " + " ".join(tag if " " not in tag else f"({tag})" for tag in tags),
        wrap("SUBJECT: " + subject, 60).rstrip(" "),
        " ",
    ]
    if refs:
        letters = "ABCDEFGH"
        opening += [
            "REF: "
            + " ".join(
                f"{letters[i]}. {r[:2]} {r[2:].rstrip('0123456789')} {r[len(r.rstrip('0123456789')) :]}"
                for i, r in enumerate(refs)
            ),
            " ",
        ]
    if not label.startswith("UNCLAS"):
        opening += ["Classified By: Ambassador for reasons 1.4 (b) and (d). ", " "]
    parts = ["\n".join(opening)]
    written = sum(len(p) for p in parts)
    paragraph_number = 1
    page = 2
    parts.append(
        wrap(f"1. {marking} Summary: " + " ".join(rng.choice(SENTENCES) for _ in range(3)) + " End summary.", 68)
    )
    while written < target:
        paragraph_number += 1
        text = paragraph(rng, paragraph_number, marking)
        if rng.random() < 0.1:
            text += "\n \n" + wrap(rng.choice(COMMENTS), 68)
        parts.append(text)
        written += len(text)
        if written > (page - 1) * 3000 and page <= total_pages:
            parts.append(f"{post} {number:08d}  {page:03d} OF {total_pages:03d} ")
            page += 1
    parts.append("SIGNER ")
    body = "\n \n".join(parts) + "\n"
    return CableRecord(
        reference_id=reference_id,
        sequence=str(sequence),
        created=f"{year:04d}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}",
        released=chosen.released,
        classification=label,
        origin=origin_name,
        references="|".join(refs),
        header=header,
        body=body,
    )


def release_dates(rng: random.Random, batches: int) -> list[str]:
    """Release days in batches from 2010-11-28 on, as the Cablegate site released them."""
    offsets = sorted(rng.sample(range(0, 300), batches))
    start = datetime(2010, 11, 28, 12, 0)
    return [(start + timedelta(days=offset)).strftime("%Y-%m-%d %H:%M") for offset in offsets]


def generate(count: int, out_dir: Path, seed: int = 1) -> int:
    """Write `count` cables under out_dir/content/cables; returns how many were written."""
    rng = random.Random(seed)
    shape = archive_shape(rng)
    releases = release_dates(rng, max(3, min(120, count // 2000 + 3)))
    numbers: dict[str, int] = {}
    earlier: list[str] = []
    content = out_dir / "content"
    for sequence in range(1, count + 1):
        # Earlier batches are bigger: the archive's first releases were small, later ones large.
        released = releases[min(len(releases) - 1, int(rng.random() ** 0.7 * len(releases)))]
        record = make_cable(rng, shape, sequence, numbers, earlier, Chosen(released))
        earlier.append(record.reference_id)
        path = cable_path(content, record)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(format_cable(record))
    return count


PERSON_TAGS = ("HALVORSEN, PETER", "OKONJO, AMARA N.")


def generate_sample(out_dir: Path, count: int = 50, seed: int = 2010) -> int:
    """The bundled sample site's cables: every classification, 39 origins, 60+ tags, releases
    on several days, four cables not yet released, references to earlier cables, a few long ones."""
    rng = random.Random(seed)
    places = [(f"{kind} {city}", code, country) for kind, city, code, country in PLACES]
    tags = list(COMMON_TAGS) + sorted({country for _, _, country in places})
    shape = Shape(places, cumulative([1.0] * len(places)), tags, cumulative(zipf_weights(len(tags), 0.6)))
    releases = ["2010-11-28 18:00", "2010-12-02 09:00", "2010-12-09 09:00", "2011-01-13 10:00", "2011-02-04 10:00"]
    numbers: dict[str, int] = {}
    earlier: list[str] = []
    content = out_dir / "content"
    for sequence in range(1, count + 1):
        origin = places[(sequence - 1) % len(places)]
        classification = CLASSIFICATIONS[(sequence - 1) % len(CLASSIFICATIONS)]
        # Created dates rise with the sequence, so references always point to earlier cables.
        year = 2003 + (sequence - 1) * 7 // count
        created = (year, 1 + sequence % 12, 1 + (sequence * 5) % 28, 8 + sequence % 9, (sequence * 7) % 60)
        released = None if sequence % 13 == 6 else releases[(sequence * 3) % len(releases)]
        size = 30_000 + sequence * 200 if sequence % 17 == 5 else 1500 + (sequence * 997) % 7000
        extra = (PERSON_TAGS[sequence % 2],) if sequence % 9 == 4 else ()
        chosen = Chosen(released, size, origin, classification, created, extra)
        record = make_cable(rng, shape, sequence, numbers, earlier, chosen)
        earlier.append(record.reference_id)
        path = cable_path(content, record)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(format_cable(record))
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", nargs="?", type=int, help="how many cables")
    parser.add_argument("out_dir", type=Path, help="site folder to write content/cables into")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", action="store_true", help="write the bundled sample site's cables")
    args = parser.parse_args()
    if args.sample:
        written = generate_sample(args.out_dir)
    elif args.count:
        written = generate(args.count, args.out_dir, args.seed)
    else:
        parser.error("give COUNT, or --sample")
    print(f"wrote {written} cables under {args.out_dir / 'content' / 'cables'}")


if __name__ == "__main__":
    main()
