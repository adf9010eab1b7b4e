/* The cable page on a phone: fold the routing header away so that the body comes first, unless
   the page was opened at a place inside it; open it whenever a link points into it. */
(function () {
  "use strict";
  var routing = document.querySelector("details.routing");
  if (!routing) {
    return;
  }
  function targetInside() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    return Boolean(target && routing.contains(target));
  }
  if (window.matchMedia("(max-width: 40rem)").matches && !targetInside()) {
    routing.open = false;
  }
  window.addEventListener("beforeprint", function () {
    routing.open = true;
  });
  window.addEventListener("hashchange", function () {
    if (targetInside()) {
      routing.open = true;
    }
  });
})();
