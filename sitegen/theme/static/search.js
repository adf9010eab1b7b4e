// Starts Pagefind's search box on the search page (an external file: the CSP allows no inline script).
// Pagefind finds its bundle beside pagefind-ui.js, wherever the site is mounted.
window.addEventListener("DOMContentLoaded", function () {
  if (!document.getElementById("search") || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({ element: "#search", showSubResults: true, showImages: false });
  // The page's visible label names Pagefind's box, which comes without an id of its own.
  var input = document.querySelector("#search input");
  if (input) input.id = "search-input";
  // The header's ID box sends what is not an ID here (and every query, without JavaScript).
  var query = new URLSearchParams(window.location.search).get("q");
  if (query) ui.triggerSearch(query);
});
