// An ECharts chart from data in the page: <div id="erp-chart"> and the option as
// {{ option|json_script:"erp-chart-option" }}. A file, not an inline script, for the
// Content-Security-Policy (script-src 'self').
(function () {
  "use strict";
  var el = document.getElementById("erp-chart");
  var data = document.getElementById("erp-chart-option");
  if (!el || !data || !window.echarts) { return; }
  var chart = echarts.init(el);
  chart.setOption(JSON.parse(data.textContent));
  window.addEventListener("resize", function () { chart.resize(); });
  var tab = document.getElementById("erp-chart-tab");
  if (tab) { tab.addEventListener("shown.bs.tab", function () { chart.resize(); }); }
})();
