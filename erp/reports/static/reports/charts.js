// Every <div class="erp-chart" data-option="ID"> becomes an ECharts chart whose option is the
// JSON in <script id="ID" type="application/json"> ({{ option|json_script:ID }}). A file, not
// an inline script, for the Content-Security-Policy (script-src 'self').
(function () {
  "use strict";
  if (!window.echarts) { return; }
  var charts = [];
  document.querySelectorAll(".erp-chart[data-option]").forEach(function (el) {
    var data = document.getElementById(el.getAttribute("data-option"));
    if (!data) { return; }
    var chart = echarts.init(el);
    chart.setOption(JSON.parse(data.textContent));
    charts.push(chart);
  });
  function resize() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resize);
  document.querySelectorAll("[data-bs-toggle='tab']").forEach(function (tab) {
    tab.addEventListener("shown.bs.tab", resize);
  });
})();
