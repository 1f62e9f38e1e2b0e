/* The one chart loader. A page renders each figure (built in Python by a charts.py module)
 * with json_script:
 *
 *   <div id="progress-chart" class="chart"></div>
 *   <script type="application/json" class="plotly-figure" data-target="progress-chart">{...}</script>
 *
 * and includes templates/charts_assets.html, which loads plotly.min.js, the zh-CN locale and
 * this file. Charts follow the page language (zh-CN or English). */
(function () {
  "use strict";

  function plotlyLocale() {
    var lang = (document.documentElement.lang || "").toLowerCase();
    return lang.startsWith("zh") ? "zh-CN" : "en";
  }

  function renderFigure(script) {
    var targetId = script.getAttribute("data-target");
    var target = targetId && document.getElementById(targetId);
    if (!target) {
      console.error("charts.js: no element with id", targetId);
      return;
    }
    var fig;
    try {
      fig = JSON.parse(script.textContent);
    } catch (err) {
      console.error("charts.js: figure for", targetId, "is not valid JSON", err);
      return;
    }
    Plotly.newPlot(target, fig.data || [], fig.layout || {}, {
      locale: plotlyLocale(),
      responsive: true,
      displaylogo: false,
    });
  }

  function renderAll() {
    if (typeof Plotly === "undefined") {
      console.error("charts.js: plotly.min.js is not loaded");
      return;
    }
    var scripts = document.querySelectorAll('script[type="application/json"].plotly-figure');
    Array.prototype.forEach.call(scripts, renderFigure);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", renderAll);
  } else {
    renderAll();
  }
})();
