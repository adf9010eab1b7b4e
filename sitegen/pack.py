"""Pack: a built output folder -> a deterministic .tar.gz mirror kit with SHA256SUMS and MIRROR.txt inside.

The same site gives the same bytes: entries sorted, times, owners and modes fixed, and the
gzip header free of names and times.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tarfile
from dataclasses import dataclass
from pathlib import Path

from sitegen.layout import OUTPUT_MARK

TOP = "site"
MIRROR_TEXT = """How to mirror this site
=======================

This archive holds a complete static copy of the site. Every link in it is relative, so it
works from any folder of any web server, and straight from disk.

Run these from the folder you unpack it in:

1. Unpack it anywhere:            tar xzf <this archive>.tar.gz   (it makes the folder {top}/)
2. Check that nothing was altered: (cd {top} && sha256sum -c SHA256SUMS)
3. Read it from disk:             open {top}/index.html in a browser
   or serve it, for example:      python3 -m http.server --directory {top} 8000
   or point a web server (nginx, Apache, Caddy...) at the {top}/ folder, under any path.

Serve .rss files as application/rss+xml, .atom as application/atom+xml and .json as
application/json, and use 404.html as the page for missing addresses if your server can.
"""


def _tar_info(name: str, size: int, directory: bool = False) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size = 0 if directory else size
    info.type = tarfile.DIRTYPE if directory else tarfile.REGTYPE
    info.mode = 0o755 if directory else 0o644
    info.mtime = 0
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    return info


def _files(output: Path, leave_out: set[Path]) -> tuple[list[str], list[str]]:
    """The output's own files, relative and sorted, and the symbolic links found there: a kit
    never reads outside the output, and sitegen writes no links, so none is followed."""
    found, links = [], []
    for directory, folders, names in os.walk(output):
        relative = os.path.relpath(directory, output)
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        links += [prefix + name for name in folders if os.path.islink(os.path.join(directory, name))]
        folders[:] = sorted(name for name in folders if not os.path.islink(os.path.join(directory, name)))
        for name in names:
            path = os.path.join(directory, name)
            if os.path.islink(path):
                links.append(prefix + name)
            elif name != OUTPUT_MARK and Path(path).resolve() not in leave_out:
                found.append(prefix + name)
    return sorted(found), sorted(links)


@dataclass
class Packed:
    files: int  # the site files packed
    links: list[str]  # symbolic links in the output, not packed


def pack_site(output: Path, archive: Path) -> Packed:
    """Write the mirror kit for `output` to `archive`: every file of the output but the kit
    itself (it may be written there, to be offered for download) and what links point to."""
    temporary = archive.with_name(f".{archive.name}.tmp")
    files, links = _files(output, {archive.resolve(), temporary.resolve()})
    sums = []
    for name in files:
        digest = hashlib.sha256((output / name).read_bytes()).hexdigest()
        sums.append(f"{digest}  {name}\n")
    extra = {
        "SHA256SUMS": "".join(sums).encode(),
        # Not the archive's own name: the same site must give the same bytes whatever it is called.
        "MIRROR.txt": MIRROR_TEXT.format(top=TOP).encode(),
    }
    folders = sorted({"/".join(name.split("/")[:i]) for name in files for i in range(1, name.count("/") + 1)})
    with open(temporary, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as zipped:
        with tarfile.open(fileobj=zipped, mode="w", format=tarfile.PAX_FORMAT) as tar:
            tar.addfile(_tar_info(TOP, 0, directory=True))
            for name, data in sorted(extra.items()):
                tar.addfile(_tar_info(f"{TOP}/{name}", len(data)), io.BytesIO(data))
            for folder in folders:
                tar.addfile(_tar_info(f"{TOP}/{folder}", 0, directory=True))
            for name in files:
                path = output / name
                with open(path, "rb") as stream:
                    tar.addfile(_tar_info(f"{TOP}/{name}", path.stat().st_size), stream)
    os.replace(temporary, archive)
    return Packed(len(files), links)
