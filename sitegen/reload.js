(function () {
  var source = new EventSource("/__sitegen/events");
  function overlay(problems) {
    var box = document.getElementById("sitegen-problems");
    if (!problems.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("div");
      box.id = "sitegen-problems";
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:50vh;overflow:auto;z-index:99999;" +
        "background:#3b0d0d;color:#fff;font:14px/1.4 monospace;padding:12px 16px;white-space:pre-wrap";
      document.body.appendChild(box);
    }
    box.textContent = "sitegen: the last build has problems\n\n" + problems.join("\n");
  }
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("problems", function (event) { overlay(JSON.parse(event.data)); });
})();
