// Draw the Plotly figure whose JSON the page carries (plotly.min.js is served from the plotly package).
(function () {
  "use strict";
  document.querySelectorAll("[data-figure]").forEach(function (div) {
    var src = document.querySelector(div.getAttribute("data-figure"));
    if (!src || !window.Plotly) return;
    var fig = JSON.parse(src.textContent);
    if (!fig.data.length) { div.textContent = "No data for these places."; return; }
    window.Plotly.newPlot(div, fig.data, fig.layout, { responsive: true, displaylogo: false }).then(function () {
      div.setAttribute("data-rendered", "1");
    });
  });
})();
