/* The cable page in the reader's hands: on a phone, fold the metadata table and the routing
   header away so that the body comes first (opening the header when a link points into it);
   the reading mode (reflowed or as written, remembered); "copy link" on each paragraph's ¶;
   the reader's own access date and address in "cite this cable"; and share links that carry
   the paragraph a reader is looking at. */
(function () {
  "use strict";
  var phone = window.matchMedia("(max-width: 40rem)");
  var routing = document.querySelector("details.routing");
  var details = document.querySelector("details.meta-details");
  var body = document.querySelector(".cable-body");
  var status = document.querySelector(".copy-status");
  var MODE_KEY = "sitegen-reading-mode";

  function targetInside(box) {
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    return Boolean(box && target && (box === target || box.contains(target)));
  }
  if (phone.matches) {
    if (routing && !targetInside(routing)) {
      routing.open = false;
    }
    if (details && !targetInside(details)) {
      details.open = false;
    }
  }
  phone.addEventListener("change", function () {
    if (!phone.matches && details) {
      details.open = true; // a wide screen shows the table, with no summary to open it by
    }
  });
  window.addEventListener("beforeprint", function () {
    if (routing) {
      routing.open = true;
    }
    if (details) {
      details.open = true;
    }
  });
  window.addEventListener("hashchange", function () {
    if (routing && targetInside(routing)) {
      routing.open = true;
    }
    if (details && targetInside(details)) {
      details.open = true;
    }
    updateShares();
  });

  /* Reading mode: reflowed by default on a phone, as written elsewhere; a choice is kept. */
  var switcher = document.querySelector(".reading-mode");
  function storedMode() {
    try {
      return window.localStorage.getItem(MODE_KEY);
    } catch (error) {
      return null; // storage refused (a private window, a file:// page in some browsers)
    }
  }
  function setMode(mode, remember) {
    body.classList.toggle("reflow", mode === "reflow");
    switcher.querySelectorAll("button").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-mode") === mode));
    });
    if (remember) {
      try {
        window.localStorage.setItem(MODE_KEY, mode);
      } catch (error) {
        /* the mode holds for this page only */
      }
    }
  }
  if (switcher && body) {
    switcher.hidden = false;
    var mode = storedMode();
    setMode(mode === "reflow" || mode === "written" ? mode : phone.matches ? "reflow" : "written", false);
    switcher.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-mode]");
      if (button) {
        setMode(button.getAttribute("data-mode"), true);
      }
    });
  }

  /* Copy link: the ¶ still moves to its paragraph; the link is copied too, and the page says so. */
  function pageAddress() {
    return window.location.href.split("#")[0];
  }
  function say(message) {
    if (!status) {
      return;
    }
    status.textContent = message;
    status.classList.add("shown");
    window.clearTimeout(say.timer);
    say.timer = window.setTimeout(function () {
      status.classList.remove("shown");
      status.textContent = "";
    }, 4000);
  }
  function copyByHand(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    document.body.removeChild(area);
    return done;
  }
  function copy(text, what) {
    function fallback() {
      say(copyByHand(text) ? "Copied the link to " + what + "." : "Link to " + what + ": " + text);
    }
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () {
        say("Copied the link to " + what + ".");
      }, fallback);
    } else {
      fallback();
    }
  }
  if (body) {
    body.addEventListener("click", function (event) {
      var anchor = event.target.closest("a.par-anchor");
      if (anchor) {
        var label = (anchor.getAttribute("aria-label") || "").replace(/^Link to /, "");
        copy(pageAddress() + anchor.getAttribute("href"), label || "this paragraph");
      }
    });
  }

  /* Cite: the reader's date (YYYY-MM-DD) and, without a base_url, the address the page has. */
  var today = new Date().toISOString().slice(0, 10);
  document.querySelectorAll(".cite .access-date").forEach(function (span) {
    span.textContent = today;
  });
  document.querySelectorAll(".cite .page-address").forEach(function (span) {
    span.textContent = pageAddress();
  });

  /* Share links carry the page's address as Python's quote(safe="") wrote it: with a paragraph
     targeted, they carry that paragraph's address instead. */
  var sharing = document.querySelector(".sharing[data-page-url]");
  function quote(text) {
    return encodeURIComponent(text).replace(/[!'()*]/g, function (c) {
      return "%" + c.charCodeAt(0).toString(16).toUpperCase();
    });
  }
  function updateShares() {
    if (!sharing) {
      return;
    }
    var plain = quote(sharing.getAttribute("data-page-url"));
    var id = decodeURIComponent(window.location.hash.slice(1));
    var target = id && document.getElementById(id);
    var wanted = target && body && body.contains(target) ? quote(sharing.getAttribute("data-page-url") + "#" + id) : plain;
    document.querySelectorAll("a.share").forEach(function (link) {
      if (!link.hasAttribute("data-href")) {
        link.setAttribute("data-href", link.getAttribute("href"));
      }
      link.setAttribute("href", link.getAttribute("data-href").split(plain).join(wanted));
    });
  }
  updateShares();
})();
