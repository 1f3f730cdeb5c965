// Dashboard charts drawn with the vendored ECharts from the numbers already on the page (each
// chart's table stays the accessible, printable source of truth).
(function () {
  "use strict";
  if (!window.echarts) return;
  function draw(el, option) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var trendEl = document.querySelector('[data-chart="trend"]');
  var trendData = document.getElementById("trend-data");
  if (trendEl && trendData) {
    var rows = JSON.parse(trendData.textContent);
    draw(trendEl, {
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 40, right: 40, top: 30, bottom: 30 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.month; }) },
      yAxis: [{ type: "value" }, { type: "value" }],
      series: [
        { name: trendEl.dataset.collected, type: "bar", data: rows.map(function (r) { return r.collected; }) },
        { name: trendEl.dataset.solved, type: "bar", data: rows.map(function (r) { return r.solved; }) },
        { name: trendEl.dataset.visits, type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.visits; }) },
        { name: trendEl.dataset.open, type: "line", connectNulls: true, data: rows.map(function (r) { return r.open; }) }
      ]
    });
  }
  var catEl = document.querySelector('[data-chart="category"]');
  var catTable = document.querySelector('[data-table="category"]');
  if (catEl && catTable) {
    var data = [];
    catTable.querySelectorAll("tbody tr").forEach(function (tr) {
      var cell = tr.querySelector("[data-value]");
      if (cell) data.push({ name: tr.cells[0].innerText, value: Number(cell.dataset.value) });
    });
    if (data.length) draw(catEl, { tooltip: {}, series: [{ type: "pie", radius: ["35%", "70%"], data: data }] });
  }
})();
