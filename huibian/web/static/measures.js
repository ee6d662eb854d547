// The measures page: a user's dictionary file (one term per line, UTF-8) read into the terms box.
(function () {
  "use strict";
  var input = document.getElementById("terms-file");
  var box = document.getElementById("terms");
  var err = document.getElementById("terms-file-error");
  if (!input || !box) return;
  input.addEventListener("change", function () {
    var file = input.files && input.files[0];
    err.textContent = "";
    if (!file) return;
    file.arrayBuffer().then(function (buf) {
      var text;
      try {
        text = new TextDecoder("utf-8", { fatal: true }).decode(buf);
      } catch (e) {
        err.textContent = file.name + ": not UTF-8 text; save it as UTF-8 and choose it again";
        return;
      }
      text = text.replace(/^\ufeff/, "");
      var terms = text.split(/\r?\n/).map(function (s) { return s.trim(); })
        .filter(function (s) { return s && s.charAt(0) !== "#"; });
      if (!terms.length) { err.textContent = file.name + ": no terms in this file"; return; }
      box.value = terms.join("\n");
    });
  });
})();
