// Starts Pagefind's search box on the search page (an external file: the CSP allows no inline script).
// The index is in shards (pagefind/shards.js names them): the first is the primary bundle and the
// others are merged into it, so one query searches the whole archive.
window.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("search");
  if (!box) return;
  var shards = window.sitegenSearchShards || [];
  var say = function (text) {
    var note = document.createElement("p");
    note.className = "search-unavailable";
    note.textContent = text;
    box.appendChild(note);
  };
  // Pagefind loads its index with fetch and an ES module, which browsers refuse to pages opened from disk.
  if (window.location.protocol === "file:") {
    say("Search works when the site is served over the web. Opened from a folder, go to a cable by its ID in the box above, or browse by origin, tag or date.");
    return;
  }
  if (typeof PagefindUI === "undefined" || !shards.length) {
    say("The search index of this site has not been built.");
    return;
  }
  // Absolute paths, so that results link under the folder the site is served from.
  var root = box.getAttribute("data-root") || "";
  var at = function (path) { return new URL(root + path, window.location.href).pathname; };
  var baseUrl = at("./");
  var bundle = function (name) { return at("pagefind/" + name + "/"); };
  var ui = new PagefindUI({
    element: "#search",
    bundlePath: bundle(shards[0]),
    baseUrl: baseUrl,
    mergeIndex: shards.slice(1).map(function (name) { return { bundlePath: bundle(name), baseUrl: baseUrl }; }),
    showSubResults: true,
    showImages: false,
  });
  // The page's visible label names Pagefind's box, which comes without an id of its own.
  var input = document.querySelector("#search input");
  if (input) input.id = "search-input";
  // The header's ID box sends what is not an ID here (and every query, without JavaScript).
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});
