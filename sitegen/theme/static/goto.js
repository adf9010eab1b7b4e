/* The header's box that goes to a cable by its reference ID, in any case, with or without
   spaces or leading zeros in its number (99 example 0042 is 99EXAMPLE42). It loads the post's
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
  function canonical(text) {
    var match = /^(\d{2})\s*([A-Z][A-Z\s\-]*?)\s*0*(\d+)$/.exec(text.trim().toUpperCase());
    if (!match) return null;
    return match[1] + match[2].replace(/\s+/g, "") + String(Number(match[3]));
  }
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
