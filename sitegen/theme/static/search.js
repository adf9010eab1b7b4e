/* The search page: reads sitegen's static index (search/, written by the build) and shows the
   first results of a query, then the exact count and the filters' counts.

   Every index file is a classic script that calls sitegenSearch.put(key, data), so the page
   works from file:// (a mirror on a USB stick) as over http. A query reads only what it needs:
   a word's first chunk holds its best-scoring cables, so one word reads one small file; several
   words read further chunks only until no unread cable could enter the first page (the
   threshold of impact-ordered postings); the exact total and the filters read the rest after
   the first results are shown.

   Cable text is only ever inserted with textContent: never as markup. */
(function () {
  "use strict";

  var PAGE = 20;
  var ID_SPAN = 67108864; // 2^26 cable ids: a score times this, plus an id, is exact in a double
  var SCORE_SLICE = 32768; // cables the exact count scores in one task, between which input is handled
  var MAX_PREFIX_STEMS = 64;

  // ---- loading index files ------------------------------------------------------------
  var root = "";
  var loaded = {};
  var waiting = {};
  var bytesRead = 0;
  var bytesAtFirst = null; // what the page had read when it first showed results
  window.sitegenSearch = {
    put: function (key, data) {
      loaded[key] = data;
      var callbacks = waiting[key];
      delete waiting[key];
      if (callbacks) callbacks.forEach(function (callback) { callback(data); });
    },
    // For bench/search.py: how much of the index this page has read, and had read when it
    // first showed results.
    bytes: function () { return bytesRead; },
    bytesAtFirst: function () { return bytesAtFirst; },
  };

  function load(key) {
    if (Object.prototype.hasOwnProperty.call(loaded, key)) return Promise.resolve(loaded[key]);
    return new Promise(function (resolve) {
      if (waiting[key]) {
        waiting[key].push(resolve);
        return;
      }
      waiting[key] = [resolve];
      var script = document.createElement("script");
      script.src = root + "search/" + key + ".js";
      script.onload = function () {
        script.remove();
        measure(script.src);
        if (waiting[key]) window.sitegenSearch.put(key, null); // a file that put nothing
      };
      script.onerror = function () {
        script.remove();
        window.sitegenSearch.put(key, null);
      };
      document.head.appendChild(script);
    });
  }

  function measure(url) {
    if (!window.performance || !performance.getEntriesByName) return;
    var entries = performance.getEntriesByName(url);
    var entry = entries[entries.length - 1];
    if (entry) bytesRead += entry.encodedBodySize || entry.transferSize || 0;
  }

  // ---- decoding -------------------------------------------------------------------------
  function bytes(base64) {
    var text = atob(base64 || "");
    var out = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
    return out;
  }
  function u16(base64) {
    var raw = bytes(base64);
    var out = new Uint16Array(raw.length >> 1);
    for (var i = 0; i < out.length; i++) out[i] = raw[2 * i] | (raw[2 * i + 1] << 8);
    return out;
  }
  function varints(raw) {
    var out = [];
    var value = 0, shift = 0;
    for (var i = 0; i < raw.length; i++) {
      var b = raw[i];
      value += (b & 0x7f) * Math.pow(2, shift);
      if (b & 0x80) { shift += 7; } else { out.push(value); value = 0; shift = 0; }
    }
    return out;
  }

  // ---- words, as the build folds them (sitegen/search/words.py) -----------------------
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(text) {
    return (fold(text).match(/[a-z0-9]+/g) || []).filter(function (w) { return w.length <= 32; });
  }
  // A reference ID typed in any spacing or case, with leading zeros: the one canonical rule,
  // goto.js's (loaded on every page, before this script). A theme without it searches IDs as words.
  function canonicalId(text) {
    return typeof window.sitegenCanonicalId === "function" ? window.sitegenCanonicalId(text) : null;
  }

  // ---- the query --------------------------------------------------------------------------
  // Terms: {words: [...], phrase: bool, prefix: bool, exclude: bool}
  function parseQuery(text, asWords) {
    var terms = [];
    var id = asWords ? null : canonicalId(text);
    if (id) return { terms: [{ words: words(id), phrase: false, prefix: false, exclude: false }], id: id };
    var pattern = /(-?)"([^"]*)"?|(-?)(\S+)/g;
    var match;
    while ((match = pattern.exec(text))) {
      if (match[2] !== undefined) {
        var phraseWords = words(match[2]);
        if (phraseWords.length) terms.push({ words: phraseWords, phrase: phraseWords.length > 1, prefix: false, exclude: match[1] === "-" });
        continue;
      }
      var raw = match[4];
      var prefix = /\*$/.test(raw);
      var found = words(raw);
      if (!found.length) continue;
      if (prefix && found.length === 1 && found[0].length >= 2) {
        terms.push({ words: found, phrase: false, prefix: true, exclude: match[3] === "-" });
      } else {
        found.forEach(function (word, i) {
          terms.push({ words: [word], phrase: false, prefix: false, exclude: match[3] === "-" && i === 0 });
        });
      }
    }
    return { terms: terms, id: null };
  }

  // ---- the index ----------------------------------------------------------------------------
  var meta = null;
  var prefixes = {}; // segment -> set of dictionary prefixes

  // meta.js alone is the first round trip: it lists every segment's dictionary prefixes, so the
  // next is a word's dictionary file and first chunk. It starts as soon as this script runs.
  var started = null;
  function start() {
    if (started) return started;
    started = load("meta").then(function (data) {
      if (!data) throw new Error("no index");
      data.segments.forEach(function (segment) {
        var set = {};
        (segment.prefixes || []).forEach(function (p) { set[p] = true; });
        prefixes[segment.name] = set;
      });
      meta = data;
      return meta;
    });
    started.catch(function () { started = null; });
    return started;
  }

  function dictionaryKey(segment, word) {
    var set = prefixes[segment];
    for (var n = Math.min(word.length, meta.prefix); n >= 1; n--) {
      if (set[word.slice(0, n)]) return segment + "/w/" + word.slice(0, n);
    }
    return null;
  }
  function dictionary(segment, word) {
    var key = dictionaryKey(segment, word);
    return key ? load(key) : Promise.resolve(null);
  }

  // The stem a surface word is listed under in a segment, with its entry: [df, chunks, inline].
  function stemOf(segment, word) {
    return dictionary(segment, word).then(function (dict) {
      if (!dict) return null;
      var stem = Object.prototype.hasOwnProperty.call(dict.w, word) ? dict.w[word] : word;
      if (stem === word) return Object.prototype.hasOwnProperty.call(dict.s, stem) ? { stem: stem, entry: dict.s[stem] } : null;
      return dictionary(segment, stem).then(function (stemDict) {
        if (!stemDict || !Object.prototype.hasOwnProperty.call(stemDict.s, stem)) return null;
        return { stem: stem, entry: stemDict.s[stem] };
      });
    });
  }

  // Every stem of a segment some word with this prefix maps to (the most frequent first).
  function stemsWithPrefix(segment, prefix) {
    var set = prefixes[segment];
    var keys = Object.keys(set).filter(function (p) { return p.indexOf(prefix) === 0 || prefix.indexOf(p) === 0; });
    return Promise.all(keys.map(function (p) { return load(segment + "/w/" + p); })).then(function (dicts) {
      var stems = {};
      var pending = [];
      dicts.forEach(function (dict) {
        if (!dict) return;
        Object.keys(dict.s).forEach(function (stem) { if (stem.indexOf(prefix) === 0) stems[stem] = dict.s[stem]; });
        Object.keys(dict.w).forEach(function (word) {
          if (word.indexOf(prefix) === 0 && !stems[dict.w[word]]) pending.push(dict.w[word]);
        });
      });
      return Promise.all(pending.map(function (stem) {
        return dictionary(segment, stem).then(function (dict) {
          if (dict && Object.prototype.hasOwnProperty.call(dict.s, stem)) stems[stem] = dict.s[stem];
        });
      })).then(function () {
        return Object.keys(stems)
          .map(function (stem) { return { stem: stem, entry: stems[stem] }; })
          .sort(function (a, b) { return b.entry[0] - a.entry[0] || (a.stem < b.stem ? -1 : 1); })
          .slice(0, MAX_PREFIX_STEMS);
      });
    });
  }

  // Before the page is parsed (and goto.js has run: the query is parsed then), each word's
  // dictionary entry and first chunk are read: what the query will ask for, unless the words
  // turn out to be a reference ID (its own words, in the same files) or a prefix*.
  function prefetch(text) {
    words(text).slice(0, 8).forEach(function (word) {
      meta.segments.forEach(function (segment) {
        stemOf(segment.name, word).then(function (found) {
          if (found && !found.entry[2] && found.entry[1].length) load(new Stream(segment.name, segment.first, found.stem, found.entry).file("p", 0));
        });
      });
    });
  }

  // A stream: one stem's postings in one segment, read chunk by chunk.
  function Stream(segment, first, stem, entry) {
    this.segment = segment;
    this.first = first;
    this.stem = stem;
    this.df = entry[0];
    this.chunks = entry[1]; // [[count, best impact], ...]
    this.inline = entry[2] || null;
    this.next = 0; // chunks read so far
  }
  Stream.prototype.nextMax = function () {
    return this.next < this.chunks.length ? this.chunks[this.next][1] : 0;
  };
  Stream.prototype.nextCount = function () {
    return this.next < this.chunks.length ? this.chunks[this.next][0] : 0;
  };
  Stream.prototype.file = function (kind, k) {
    return this.segment + "/" + kind + "/" + this.stem.slice(0, 2) + "/" + this.stem + "." + k;
  };
  // Reads the next chunk: its docs, impacts and (if asked) positions.
  Stream.prototype.read = function (withPositions) {
    var self = this;
    return this.fetch(withPositions).then(function (got) { return self.decode(got); });
  };
  // Starts loading the next chunk (its files as stored); decode() turns them into lists.
  Stream.prototype.fetch = function (withPositions) {
    var k = this.next++;
    var parts = this.inline ? Promise.resolve(this.inline) : load(this.file("p", k));
    var positions = !withPositions ? Promise.resolve(null)
      : this.inline ? Promise.resolve(this.inline[2]) : load(this.file("q", k));
    return Promise.all([parts, positions]);
  };
  Stream.prototype.decode = function (got) {
    var data = got[0] || ["", ""];
    var ids = varints(bytes(data[0]));
    var impacts = bytes(data[1]);
    var docs = [];
    var doc = this.first;
    for (var i = 0; i < ids.length; i++) {
      doc += ids[i];
      docs.push(doc);
    }
    var where = null;
    if (got[1] !== null && got[1] !== undefined) {
      var raw = varints(bytes(got[1]));
      where = [];
      var at = 0;
      for (var j = 0; j < docs.length; j++) {
        var count = raw[at++];
        var list = [];
        var p = 0;
        for (var c = 0; c < count; c++) { p += raw[at++]; list.push(p); }
        where.push(list);
      }
    }
    // A cable revised or withdrawn since its segment was written has no posting there (the
    // build hides its older entry): every list read is a list of matches, counts included.
    return { docs: docs, impacts: impacts, positions: where };
  };

  // A term of the query, resolved: its streams in every segment.
  function resolveTerm(term) {
    var segments = meta.segments;
    var wordStreams = term.words.map(function (word, index) {
      return Promise.all(segments.map(function (segment) {
        if (term.prefix) {
          return stemsWithPrefix(segment.name, word).then(function (list) {
            return list.map(function (found) { return new Stream(segment.name, segment.first, found.stem, found.entry); });
          });
        }
        return stemOf(segment.name, word).then(function (found) {
          return found ? [new Stream(segment.name, segment.first, found.stem, found.entry)] : [];
        });
      })).then(function (lists) { return [].concat.apply([], lists); });
    });
    return Promise.all(wordStreams).then(function (streams) {
      return { term: term, parts: streams.map(function (list, i) { return { word: term.words[i], streams: list, seen: new Seen(meta.total), positions: {} }; }) };
    });
  }

  // ---- evaluation ---------------------------------------------------------------------
  // The cables a part has met and the best impact of each (impacts run 1 to 255: 0 is unseen),
  // in a typed array: a common word's every posting is tens of thousands of cables.
  function Seen(total) {
    this.impact = new Uint8Array(total);
    this.docs = [];
  }
  Seen.prototype.add = function (doc, impact) {
    var had = this.impact[doc];
    if (!had) this.docs.push(doc);
    if (impact > had) this.impact[doc] = impact;
  };
  Seen.prototype.has = function (doc) { return this.impact[doc] > 0; };

  // Each positive term's words are scoring parts; a document's score is the sum over parts of
  // its best impact among the part's streams. A phrase also needs its words at successive places.
  function readChunk(part, stream, withPositions) {
    return stream.read(withPositions).then(function (chunk) { addChunk(part, chunk); });
  }
  // The same, its decoding and adding a task of its own once its files are in (the exact
  // count's pace: a chunk already loaded would otherwise be done in one go with the rest).
  function readChunkPaced(part, stream, withPositions) {
    return stream.fetch(withPositions).then(function (got) {
      return nextTask().then(function () { addChunk(part, stream.decode(got)); });
    });
  }
  function addChunk(part, chunk) {
    for (var i = 0; i < chunk.docs.length; i++) {
      var doc = chunk.docs[i];
      var impact = chunk.impacts[i];
      part.seen.add(doc, impact);
      if (chunk.positions) {
        var mine = part.positions[doc] || (part.positions[doc] = []);
        Array.prototype.push.apply(mine, chunk.positions[i]);
      }
    }
  }

  // Resolves in a task of its own, so that the browser handles input between two steps of the
  // exact count. A MessageChannel is not clamped to 4 ms as nested setTimeouts are.
  var taskChannel = typeof MessageChannel === "function" ? new MessageChannel() : null;
  var taskQueue = [];
  if (taskChannel) taskChannel.port1.onmessage = function () { taskQueue.shift()(); };
  function nextTask() {
    return new Promise(function (resolve) {
      if (!taskChannel) { setTimeout(resolve, 0); return; }
      taskQueue.push(resolve);
      taskChannel.port2.postMessage(null);
    });
  }

  function partNextMax(part) {
    return part.streams.reduce(function (best, s) { return Math.max(best, s.nextMax()); }, 0);
  }
  function partDone(part) {
    return part.streams.every(function (s) { return s.next >= s.chunks.length; });
  }

  function phraseHolds(term, doc) {
    var first = term.parts[0].positions[doc];
    if (!first) return false;
    return first.some(function (p) {
      return term.parts.every(function (part, i) {
        var list = part.positions[doc];
        return list && list.indexOf(p + i) >= 0;
      });
    });
  }

  function Query(parsed) {
    this.parsed = parsed;
    this.positive = [];
    this.negative = [];
  }
  Query.prototype.resolve = function () {
    var self = this;
    return Promise.all(this.parsed.terms.map(resolveTerm)).then(function (resolved) {
      resolved.forEach(function (r) { (r.term.exclude ? self.negative : self.positive).push(r); });
      self.parts = [].concat.apply([], self.positive.map(function (r) { return r.parts; }));
      return self;
    });
  };
  Query.prototype.isPhrasePart = function (part) {
    return this.positive.some(function (r) { return r.term.phrase && r.parts.indexOf(part) >= 0; });
  };
  // Exact score of a doc seen in every part (null if a part lacks it or a phrase fails).
  Query.prototype.scoreOf = function (doc) {
    var score = 0;
    for (var i = 0; i < this.parts.length; i++) {
      var impact = this.parts[i].seen.impact[doc];
      if (!impact) return null;
      score += impact;
    }
    for (var t = 0; t < this.positive.length; t++) {
      if (this.positive[t].term.phrase && !phraseHolds(this.positive[t], doc)) return null;
    }
    return score;
  };

  // The first page by relevance, reading chunks only until no unread posting could change it.
  Query.prototype.top = function (k) {
    var self = this;
    if (!this.parts.length || this.parts.some(function (p) { return !p.streams.length; })) return Promise.resolve([]);
    function step() {
      var exact = [];
      var bestOpen = self.parts.reduce(function (sum, part) { return sum + partNextMax(part); }, 0);
      candidatesOf(self.parts).forEach(function (doc) {
        var complete = self.parts.every(function (part) { return part.seen.has(doc) || partDone(part); });
        var score = self.scoreOf(doc);
        if (score !== null) {
          exact.push({ doc: doc, score: score });
        } else if (!complete) {
          var bound = 0;
          self.parts.forEach(function (part) { bound += part.seen.has(doc) ? part.seen.impact[doc] : partNextMax(part); });
          bestOpen = Math.max(bestOpen, bound);
        }
      });
      exact.sort(byScore);
      var enough = exact.length >= k && exact[k - 1].score >= bestOpen;
      var allRead = self.parts.every(partDone);
      if (enough || allRead) return Promise.resolve(exact.slice(0, k));
      // Read the next chunk of the part whose unread postings could score highest, and with it
      // (in the same round trip) the next chunk of each other part, where that one is no
      // bigger: several words settle the first page in fewer round trips, for a bounded share
      // more bytes.
      var open = self.parts.filter(function (p) { return !partDone(p); })
        .sort(function (a, b) { return partNextMax(b) - partNextMax(a); });
      var size = nextStream(open[0]).nextCount();
      var reads = open.filter(function (part, i) { return i === 0 || nextStream(part).nextCount() <= size; })
        .map(function (part) { return readChunk(part, nextStream(part), self.isPhrasePart(part)); });
      return Promise.all(reads).then(step);
    }
    return step();
  };
  // Every cable some part has met, once.
  function candidatesOf(parts) {
    if (parts.length === 1) return parts[0].seen.docs;
    var out = parts[0].seen.docs.slice();
    for (var i = 1; i < parts.length; i++) {
      var docs = parts[i].seen.docs;
      for (var j = 0; j < docs.length; j++) {
        var doc = docs[j];
        var earlier = false;
        for (var k = 0; k < i && !earlier; k++) earlier = parts[k].seen.has(doc);
        if (!earlier) out.push(doc);
      }
    }
    return out;
  }
  function nextStream(part) {
    return part.streams.filter(function (s) { return s.next < s.chunks.length; })
      .sort(function (a, b) { return b.nextMax() - a.nextMax(); })[0];
  }

  // Every match's id, best first: reads every chunk of every term.
  Query.prototype.all = function () {
    var self = this;
    if (!this.parts.length || this.parts.some(function (p) { return !p.streams.length; })) return Promise.resolve([]);
    var reads = [];
    this.parts.forEach(function (part) {
      part.streams.forEach(function (stream) {
        while (stream.next < stream.chunks.length) reads.push(readChunkPaced(part, stream, self.isPhrasePart(part)));
      });
    });
    var excluded = {};
    this.negative.forEach(function (r) {
      var parts = r.parts;
      parts.forEach(function (part) {
        part.streams.forEach(function (stream) {
          while (stream.next < stream.chunks.length) reads.push(readChunkPaced(part, stream, r.term.phrase));
        });
      });
    });
    return Promise.all(reads).then(function () {
      self.negative.forEach(function (r) {
        var first = r.parts[0];
        first.seen.docs.forEach(function (doc) {
          var inAll = r.parts.every(function (p) { return p.seen.has(doc); });
          if (inAll && (!r.term.phrase || phraseHolds(r, doc))) excluded[doc] = true;
        });
      });
      var smallest = self.parts.slice().sort(function (a, b) { return a.seen.docs.length - b.seen.docs.length; })[0];
      // Sorted as numbers, score then id (byScore's order), and handed on as ids alone: a common
      // word matches most cables, and an object each would be most of the work.
      var docs = smallest.seen.docs;
      var keys = new Float64Array(docs.length);
      var found = 0;
      var phrases = self.positive.some(function (r) { return r.term.phrase; });
      var impacts = self.parts.map(function (part) { return part.seen.impact; });
      function scoreFrom(start) {
        var stop = Math.min(start + SCORE_SLICE, docs.length);
        for (var d = start; d < stop; d++) {
          var doc = docs[d];
          if (excluded[doc]) continue;
          var score = phrases ? self.scoreOf(doc) : sumOf(impacts, doc);
          if (score !== null) keys[found++] = score * ID_SPAN + doc;
        }
        if (stop < docs.length) return nextTask().then(function () { return scoreFrom(stop); });
        keys = keys.subarray(0, found).sort();
        var results = new Array(found);
        for (var i = 0; i < found; i++) results[i] = keys[found - 1 - i] % ID_SPAN;
        return results;
      }
      return scoreFrom(0);
    });
  };

  // "About N" before the exact count: the smallest part's count of cables.
  Query.prototype.estimate = function () {
    if (!this.parts.length) return 0;
    return Math.min.apply(null, this.parts.map(function (part) {
      return part.streams.reduce(function (sum, s) { return sum + s.df; }, 0);
    }));
  };

  // A cable's score over the parts (null if one lacks it), when no phrase is asked for.
  function sumOf(impacts, doc) {
    var score = 0;
    for (var i = 0; i < impacts.length; i++) {
      var impact = impacts[i][doc];
      if (!impact) return null;
      score += impact;
    }
    return score;
  }
  function byScore(a, b) { return b.score - a.score || b.doc - a.doc; }

  // ---- cables and facets ----------------------------------------------------------------
  function segmentOf(doc) {
    var list = meta.segments;
    for (var i = list.length - 1; i >= 0; i--) if (doc >= list[i].first) return list[i];
    return list[0];
  }
  function cableLine(doc) {
    var segment = segmentOf(doc);
    var local = doc - segment.first;
    return load(segment.name + "/c/" + Math.floor(local / meta.block)).then(function (rows) {
      var row = rows && rows[local % meta.block];
      if (!row) return null;
      return { doc: doc, id: row[0], subject: row[1], origin: row[2], classification: row[3], created: row[4], url: row[5], excerpt: row[6] };
    });
  }

  // Per cable, typed arrays: its origin's and classification's number (in `names`, over all
  // segments) and its created day. facetOf(kind, doc) names the value.
  var facets = null;
  function loadFacets() {
    if (facets) return Promise.resolve(facets);
    return Promise.all(meta.segments.map(function (s) { return load(s.name + "/f"); })).then(function (files) {
      var all = {
        origin: new Uint16Array(meta.total),
        classification: new Uint16Array(meta.total),
        day: new Uint16Array(meta.total),
        names: { origin: [], classification: [] },
      };
      var numbers = { origin: {}, classification: {} };
      function global(kind, name) {
        if (!Object.prototype.hasOwnProperty.call(numbers[kind], name)) {
          numbers[kind][name] = all.names[kind].length;
          all.names[kind].push(name);
        }
        return numbers[kind][name];
      }
      files.forEach(function (file, i) {
        if (!file) return;
        var first = meta.segments[i].first;
        var origin = file.names.origin.map(function (name) { return global("origin", name); });
        var classification = file.names.classification.map(function (name) { return global("classification", name); });
        var origins = u16(file.origin), classes = u16(file.classification), days = u16(file.day);
        for (var j = 0; j < origins.length; j++) {
          all.origin[first + j] = origin[origins[j]];
          all.classification[first + j] = classification[classes[j]];
        }
        all.day.set(days, first);
      });
      facets = all;
      return all;
    });
  }
  function facetOf(kind, doc) {
    return facets.names[kind][facets[kind][doc]];
  }
  var tagFacet = null;
  function loadTags() {
    if (tagFacet) return Promise.resolve(tagFacet);
    return Promise.all(meta.segments.map(function (s) { return load(s.name + "/t"); })).then(function (files) {
      var all = new Array(meta.total);
      files.forEach(function (file, i) {
        if (!file) return;
        var first = meta.segments[i].first;
        var stream = u16(file.tags);
        var at = 0;
        for (var doc = first; at < stream.length; doc++) {
          var count = stream[at++];
          var list = [];
          for (var c = 0; c < count; c++) list.push(file.names[stream[at++]]);
          all[doc] = list;
        }
      });
      tagFacet = all;
      return all;
    });
  }
  function yearOf(day) {
    return new Date(Date.UTC(1900, 0, 1 + day)).getUTCFullYear();
  }

  // ---- the page --------------------------------------------------------------------------
  var FILTERS = ["origin", "classification", "tag"];
  var page = {};
  var generation = 0;

  function state() {
    var params = new URLSearchParams(window.location.search);
    return {
      q: params.get("q") || "",
      sort: ["newest", "oldest"].indexOf(params.get("sort")) >= 0 ? params.get("sort") : "relevance",
      origin: params.get("origin") || "",
      classification: params.get("classification") || "",
      tag: params.get("tag") || "",
      from: /^\d{4}$/.test(params.get("from") || "") ? params.get("from") : "",
      to: /^\d{4}$/.test(params.get("to") || "") ? params.get("to") : "",
      shown: Math.max(PAGE, Math.min(1000, Number(params.get("shown")) || PAGE)),
    };
  }
  function stateUrl(s) {
    var params = new URLSearchParams();
    if (s.q) params.set("q", s.q);
    FILTERS.forEach(function (f) { if (s[f]) params.set(f, s[f]); });
    if (s.from) params.set("from", s.from);
    if (s.to) params.set("to", s.to);
    if (s.sort !== "relevance") params.set("sort", s.sort);
    var text = params.toString();
    return window.location.pathname + (text ? "?" + text : "");
  }
  function filtered(s) {
    return Boolean(s.origin || s.classification || s.tag || s.from || s.to);
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function say(text) {
    page.status.textContent = text;
  }

  // The words of a text that the query looks for (`marked`), each as a regex match.
  function hits(text, marked) {
    var pattern = /[A-Za-z0-9\u00C0-\u024F]+/g;
    var found = [], match;
    while ((match = pattern.exec(text))) {
      var folded = words(match[0]).join("");
      var hit = marked.some(function (w) {
        return folded === w.word || folded.indexOf(w.prefix) === 0;
      });
      if (hit) found.push(match);
    }
    return found;
  }

  // The excerpt, with the query's words marked: text nodes and <mark> elements only.
  function excerptNode(text, marked) {
    var node = el("p", "result-excerpt");
    var at = 0;
    hits(text, marked).forEach(function (match) {
      node.appendChild(document.createTextNode(text.slice(at, match.index)));
      node.appendChild(el("mark", "", match[0]));
      at = match.index + match[0].length;
    });
    node.appendChild(document.createTextNode(text.slice(at)));
    return node;
  }

  // ---- an excerpt around the words found ----------------------------------------------------
  // The index holds one excerpt a cable, its first paragraph (what a list of results can show
  // before it knows the query). Where that shows none of the words looked for, the cable's
  // JSON twin (beside its page) gives its text, and the excerpt becomes the lines around the
  // first word found, so a reader sees why the cable matched. After the results are shown, and
  // over http(s) only: from file:// a page may not fetch, and the first paragraph stays.
  var EXCERPT_CHARS = 240; // as the index's own excerpts (files.py)
  var BEFORE_HIT = 80; // of those, the text shown before the first word found
  var twinTexts = {};

  function twinText(url) {
    if (!twinTexts[url]) {
      twinTexts[url] = fetch(root + url.replace(/\.html$/, ".json"))
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (twin) { return twin && typeof twin.body === "string" ? twin.body : null; })
        .catch(function () { return null; });
    }
    return twinTexts[url];
  }

  function excerptAround(text, marked) {
    var first = hits(text, marked)[0];
    if (!first) return null;
    var start = Math.max(0, first.index - BEFORE_HIT);
    if (start > 0) {
      var space = text.slice(start, first.index).search(/\s/); // begin at a word's start
      start = space < 0 ? first.index : start + space + 1;
    }
    var piece = text.slice(start, start + EXCERPT_CHARS * 2).replace(/\s+/g, " ").trim();
    if (piece.length > EXCERPT_CHARS) piece = piece.slice(0, EXCERPT_CHARS).replace(/\s+\S*$/, "") + " …";
    return (start > 0 ? "… " : "") + piece;
  }

  function closerExcerpts(lines, items, marked, mine) {
    if (location.protocol === "file:" || !window.fetch) return;
    lines.forEach(function (line, at) {
      if (!marked.length || hits(line.excerpt, marked).length) return;
      twinText(line.url).then(function (text) {
        var closer = text && excerptAround(text, marked);
        if (!closer || mine !== generation || !items[at].isConnected) return;
        var node = excerptNode(closer, marked);
        var old = items[at].querySelector(".result-excerpt");
        if (old) old.replaceWith(node);
        else items[at].appendChild(node);
      });
    });
  }

  function resultNode(line, marked) {
    var item = el("li", "result");
    var heading = el("h2", "result-title");
    var link = el("a", "");
    link.href = root + line.url;
    link.appendChild(el("span", "refid", line.id));
    link.appendChild(document.createTextNode(" " + (line.subject || "(no subject)")));
    heading.appendChild(link);
    item.appendChild(heading);
    var facts = el("p", "result-meta");
    facts.appendChild(el("span", "result-origin", line.origin));
    facts.appendChild(document.createTextNode(" · "));
    var time = el("time", "result-created", line.created);
    time.setAttribute("datetime", line.created);
    facts.appendChild(time);
    facts.appendChild(document.createTextNode(" · "));
    facts.appendChild(el("span", "result-classification", line.classification));
    item.appendChild(facts);
    if (line.excerpt) item.appendChild(excerptNode(line.excerpt, marked));
    return item;
  }

  // What the excerpt marks: each word looked for, and a word beginning with its stem (the
  // index's stems: "embassies" for "embassy") or with a prefix* typed.
  function markedWords(query) {
    var out = [];
    query.positive.forEach(function (resolved) {
      resolved.parts.forEach(function (part) {
        var prefix = resolved.term.prefix ? part.word : null;
        part.streams.forEach(function (stream) {
          if (!prefix && stream.stem.length >= 3) prefix = stream.stem;
        });
        out.push({ word: part.word, prefix: prefix || "\u0000" });
      });
    });
    return out;
  }

  function sortResults(results, s) {
    if (s.sort === "relevance") return results;
    var sign = s.sort === "newest" ? -1 : 1;
    return results.slice().sort(function (a, b) {
      return sign * (facets.day[a] - facets.day[b]) || sign * (a - b);
    });
  }

  function passes(doc, s) {
    if (s.origin && facetOf("origin", doc) !== s.origin) return false;
    if (s.classification && facetOf("classification", doc) !== s.classification) return false;
    if (s.tag && (tagFacet[doc] || []).indexOf(s.tag) < 0) return false;
    if (s.from || s.to) {
      var year = yearOf(facets.day[doc]);
      if (s.from && year < Number(s.from)) return false;
      if (s.to && year > Number(s.to)) return false;
    }
    return true;
  }

  function showLines(results, shown, marked, mine, id) {
    return Promise.all(results.slice(0, shown).map(cableLine)).then(function (lines) {
      if (mine !== generation) return;
      // A reference ID typed goes first (its ID field outweighs any mention, but say so here).
      var own = lines.filter(function (line) { return line && id && line.id === id; });
      if (own.length) lines = own.concat(lines.filter(function (line) { return own.indexOf(line) < 0; }));
      var list = page.results;
      list.textContent = "";
      lines = lines.filter(Boolean);
      var items = lines.map(function (line) { return list.appendChild(resultNode(line, marked)); });
      if (bytesAtFirst === null && lines.length) bytesAtFirst = bytesRead;
      if (!id) closerExcerpts(lines, items, marked, mine); // an ID asked for: its text, not a word in it
    });
  }

  function run(s) {
    var mine = ++generation;
    page.input.value = s.q;
    page.sort.value = s.sort;
    // Here, not when the counts arrive: a reader may be typing the other year by then.
    page.from.value = s.from;
    page.to.value = s.to;
    page.more.hidden = true;
    page.results.textContent = "";
    if (s.tag) page.tags.open = true;
    if (!s.q.trim()) {
      say("");
      renderFilters(null, s);
      return;
    }
    say("Searching…");
    var parsed = parseQuery(s.q);
    var marked = [];
    if (!parsed.terms.some(function (t) { return !t.exclude; })) {
      say("Type at least one word to look for (a word with a minus sign leaves cables out).");
      return;
    }
    start().then(function () {
      return new Query(parsed).resolve();
    }).then(function (query) {
      // Shaped like an ID but no cable's ("10 downing 10"): its words are searched instead.
      if (!parsed.id || query.parts.every(function (p) { return p.streams.length; })) return query;
      parsed = parseQuery(s.q, true);
      return new Query(parsed).resolve();
    }).then(function (query) {
      if (mine !== generation) return null;
      marked = markedWords(query);
      var quick = s.sort === "relevance" && !filtered(s) && !query.negative.length;
      var first = quick ? query.top(PAGE).then(function (top) {
        if (mine !== generation) return;
        return showLines(top.map(function (r) { return r.doc; }), PAGE, marked, mine, parsed.id).then(function () {
          if (mine !== generation) return;
          var about = query.estimate();
          var exact = query.parts.length === 1 && !parsed.terms[0].prefix;
          if (!top.length) say("Searching…");
          else if (exact) say(about.toLocaleString("en") + (about === 1 ? " cable matches." : " cables match."));
          else say("About " + about.toLocaleString("en") + " cables match; counting…");
        });
      }) : Promise.resolve();
      return first.then(quick ? afterPaint : null).then(function () {
        if (mine !== generation) return null;
        return Promise.all([query.all(), loadFacets(), s.tag || page.tagsOpen ? loadTags() : null]);
      }).then(function (got) {
        if (!got) return;
        if (mine !== generation) return;
        var all = got[0];
        var matching = filtered(s) ? all.filter(function (doc) { return passes(doc, s); }) : all;
        var ordered = sortResults(matching, s);
        page.current = { all: all, ordered: ordered, marked: marked, state: s, id: parsed.id };
        renderFilters(all, s);
        return showLines(ordered, s.shown, marked, mine, parsed.id).then(function () {
          if (mine !== generation) return;
          var total = ordered.length;
          say(total ? total.toLocaleString("en") + (total === 1 ? " cable matches." : " cables match.") + (total > s.shown ? " Showing the first " + s.shown.toLocaleString("en") + "." : "")
            : "No cables match " + s.q + (filtered(s) ? " with these filters." : "."));
          page.more.hidden = total <= s.shown;
        });
      });
    }).catch(function () {
      if (mine !== generation) return;
      say("The search index of this site could not be read. Go to a cable by its ID in the box above, or browse by origin, tag or date.");
    });
  }

  // Resolves once the first results are painted: the exact count's work (every chunk, the
  // facet columns) then runs in tasks of its own instead of holding the first paint back.
  function afterPaint() {
    return new Promise(function (resolve) {
      var done = false;
      function go() { if (!done) { done = true; setTimeout(resolve, 0); } }
      if (window.requestAnimationFrame) requestAnimationFrame(go);
      setTimeout(go, 100); // a hidden tab paints no frames
    });
  }

  function option(select, value, label) {
    var node = el("option", "", label);
    node.value = value;
    select.appendChild(node);
  }

  function renderFilters(all, s) {
    FILTERS.forEach(function (kind) {
      var select = page.filters[kind];
      var keep = s[kind];
      select.textContent = "";
      option(select, "", "Any");
      var counts = {};
      if (all && (kind !== "tag" || tagFacet)) {
        var narrowed = filtered(s);
        for (var i = 0; i < all.length; i++) {
          var doc = all[i];
          if (narrowed && !passesExcept(doc, s, kind)) continue;
          if (kind !== "tag") {
            var value = facetOf(kind, doc);
            counts[value] = (counts[value] || 0) + 1;
            continue;
          }
          var tags = tagFacet[doc] || [];
          for (var t = 0; t < tags.length; t++) counts[tags[t]] = (counts[tags[t]] || 0) + 1;
        }
      }
      var names = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a] || (a < b ? -1 : 1); });
      if (keep && !counts[keep]) names.unshift(keep);
      names.forEach(function (name) { option(select, name, name + " (" + (counts[name] || 0).toLocaleString("en") + ")"); });
      select.value = keep;
    });
  }

  function passesExcept(doc, s, kind) {
    var kept = s[kind];
    if (!kept) return passes(doc, s);
    s[kind] = "";
    var result = passes(doc, s);
    s[kind] = kept;
    return result;
  }

  function go(s, replace) {
    var url = stateUrl(s);
    if (replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
    run(s);
  }

  function formState() {
    var s = state();
    s.q = page.input.value;
    s.sort = page.sort.value;
    FILTERS.forEach(function (kind) { s[kind] = page.filters[kind].value; });
    s.from = /^\d{4}$/.test(page.from.value) ? page.from.value : "";
    s.to = /^\d{4}$/.test(page.to.value) ? page.to.value : "";
    s.shown = PAGE;
    return s;
  }

  function init() {
    var box = document.getElementById("search");
    if (!box) return;
    root = box.getAttribute("data-root") || "";
    page = {
      form: document.getElementById("search-form"),
      input: document.getElementById("search-input"),
      sort: document.getElementById("search-sort"),
      status: document.getElementById("search-status"),
      results: document.getElementById("search-results"),
      more: document.getElementById("search-more"),
      from: document.getElementById("search-from"),
      to: document.getElementById("search-to"),
      tags: document.getElementById("search-tags"),
      filters: {
        origin: document.getElementById("search-origin"),
        classification: document.getElementById("search-classification"),
        tag: document.getElementById("search-tag"),
      },
      tagsOpen: false,
    };
    box.hidden = false;
    page.form.addEventListener("submit", function (event) {
      event.preventDefault();
      go(formState());
    });
    [page.sort, page.filters.origin, page.filters.classification, page.filters.tag].forEach(function (select) {
      select.addEventListener("change", function () { go(formState()); });
    });
    [page.from, page.to].forEach(function (input) {
      input.addEventListener("change", function () { go(formState()); });
    });
    page.tags.addEventListener("toggle", function () {
      if (!page.tags.open || page.tagsOpen) return;
      page.tagsOpen = true;
      if (!meta || !page.current) return;
      loadTags().then(function () { renderFilters(page.current.all, page.current.state); });
    });
    page.more.addEventListener("click", function () {
      var current = page.current;
      if (!current) return;
      var s = current.state;
      s.shown += PAGE;
      history.replaceState(null, "", stateUrl(s) + (stateUrl(s).indexOf("?") >= 0 ? "&" : "?") + "shown=" + s.shown);
      var mine = generation;
      var before = page.results.children.length;
      showLines(current.ordered, s.shown, current.marked, mine, current.id).then(function () {
        page.more.hidden = current.ordered.length <= s.shown;
        say(current.ordered.length.toLocaleString("en") + " cables match. Showing the first " + Math.min(s.shown, current.ordered.length).toLocaleString("en") + ".");
        var next = page.results.children[before];
        var link = next && next.querySelector("a");
        if (link) link.focus();
      });
    });
    window.addEventListener("popstate", function () { run(state()); });
    run(state());
  }

  // The script is async: it may run before goto.js (deferred), whose canonicalId the query
  // needs, so the page starts once the document is parsed and the deferred scripts have run.
  var initialised = false;
  function initOnce() {
    if (initialised) return;
    initialised = true;
    init();
  }
  var self = document.currentScript;
  var asked = new URLSearchParams(window.location.search).get("q");
  if (self && self.hasAttribute("data-root") && asked) {
    root = self.getAttribute("data-root");
    start().then(function () { prefetch(asked); }, function () {});
  }
  if (document.readyState === "complete") initOnce();
  else {
    document.addEventListener("DOMContentLoaded", initOnce);
    window.addEventListener("load", initOnce);
  }
})();
