/* The header's box that goes to a cable by its reference ID, in any case, with or without
   spaces or leading zeros in its number (99 example 0042 is 99EXAMPLE42); the search page asks
   window.sitegenCanonicalId(text) the same question. It loads the post's
   list of released IDs (ids/<POST>.js, a classic script: it works from file:// as well as over
   http) and opens cable/YYYY/MM/<ID>.html, or says that the archive holds no such cable.
   Anything not shaped like an ID goes to the search page, as the form does without JavaScript. */
(function () {
  "use strict";
  var pending = {};
  window.sitegenIds = function (post, months) {
    var waiting = pending[post];
    delete pending[post];
    if (waiting) waiting(months);
  };
  /* The canonical reference ID (09 rome 0042 -> 09ROME42, 09A2B7 -> 09A2B7), or null when the
     text is none: the rule of sitegen/model.py's canonical_reference_id, kept identical (ASCII
     only, spaces spelled out: \s and trim() differ from Python's; the number's digits kept as
     text, as a float would round them). tests/test_reference_ids.py runs both over one set of cases. */
  var LOOSE_ID = /^([0-9]{2})[ \t\n\r\f\v]*([A-Z][A-Z0-9 \t\n\r\f\v\-]*?)[ \t\n\r\f\v]*0*([0-9]+)$/;
  var MAX_ID_LENGTH = 64;
  function canonical(text) {
    if (typeof text !== "string" || /[^\x00-\x7f]/.test(text)) return null;
    var trimmed = text.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, "");
    var match = LOOSE_ID.exec(trimmed.toUpperCase());
    if (!match) return null;
    var id = match[1] + match[2].replace(/[ \t\n\r\f\v]+/g, "") + match[3];
    return id.length <= MAX_ID_LENGTH ? id : null;
  }
  window.sitegenCanonicalId = canonical;
  function postOf(id) {
    return id.slice(2).replace(/\d+$/, "");
  }
  function lookUp(form, id, say) {
    var root = form.getAttribute("data-root") || "";
    var post = postOf(id);
    var script = document.createElement("script");
    pending[post] = function (months) {
      if (Object.prototype.hasOwnProperty.call(months, id)) {
        window.location.href = root + "cable/" + months[id] + "/" + id + ".html";
      } else {
        say("No released cable " + id + " in this archive.");
      }
    };
    script.onerror = function () {
      delete pending[post];
      say("No released cable " + id + " in this archive.");
    };
    script.src = root + "ids/" + encodeURIComponent(post) + ".js";
    document.head.appendChild(script);
  }
  function start() {
    var form = document.querySelector("form.goto");
    if (!form) return;
    var input = form.querySelector("input");
    var message = form.querySelector(".goto-message");
    function say(text) {
      message.textContent = text;
    }
    form.addEventListener("submit", function (event) {
      var id = canonical(input.value);
      if (!id && form.hasAttribute("data-search")) return; // not an ID: the search page takes it
      event.preventDefault();
      if (!id) {
        say("Type a reference ID, such as 06GUANGZHOU29875.");
        return;
      }
      say("");
      lookUp(form, id, say);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
