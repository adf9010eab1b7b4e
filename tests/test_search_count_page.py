"""The exact count on the search page (theme/static/search.js): each chunk it reads is decoded in a task of its own, between which the page handles input; the count and order are the index's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sitegen.search.postings import FIRST_CHUNK
from sitegen.search.reader import IndexReader
from tests.conftest import Visit, served
from tests.test_search_page import count_in, shown_ids, start
from tests.test_search_writer import corpus, write_index

# Counts the tasks search.js posts itself (its MessageChannel), before its script runs.
COUNT_TASKS = """
window.sitegenTasks = 0;
const post = MessagePort.prototype.postMessage;
MessagePort.prototype.postMessage = function (...args) { window.sitegenTasks++; return post.apply(this, args); };
"""


@pytest.fixture(scope="module")
def count_output(tmp_path_factory, site_output) -> Path:
    """An index of 400 cables whose common words have several chunks, under the sample site's search page."""
    output = tmp_path_factory.mktemp("count") / "output"
    output.mkdir()
    shutil.copy(site_output / "search.html", output / "search.html")
    shutil.copytree(site_output / "static", output / "static")
    cables = corpus(400)
    write_index(cables, output)
    for cable in cables:  # each result's JSON twin, which the page reads for a closer excerpt
        twin = (output / cable.url).with_suffix(".json")
        twin.parent.mkdir(parents=True, exist_ok=True)
        twin.write_text(json.dumps({"body": cable.body}))
    return output


@pytest.mark.parametrize("how", ["http", "file"])
def test_the_exact_count_decodes_each_chunk_in_a_task_of_its_own(browser, count_output, how):
    reader = IndexReader(count_output)
    postings = reader.postings("oil")
    assert len(postings) > FIRST_CHUNK  # two chunks at least
    chunks = len(list((count_output / "search" / "base" / "p" / "oi").glob("oil.*.js")))
    assert chunks >= 2
    ids = {doc: row[0] for doc, row in reader.cables()}
    newest = [ids[doc] for doc in sorted({p.doc for p in postings}, reverse=True)]
    with served(count_output) as url, Visit(browser) as page:
        page.add_init_script(COUNT_TASKS)
        start(page, count_output, url, how, "q=oil&sort=newest")  # the whole list: the count's path
        assert count_in(page.locator("#search-status").inner_text()) == len(newest)
        assert shown_ids(page) == newest[:20]
        assert page.evaluate("window.sitegenTasks") >= chunks
