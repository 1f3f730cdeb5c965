// Dashboard charts drawn with the vendored ECharts (a custom build holding only the bar and line
// charts used here: tools/echarts) from the numbers already on the page; each chart's table
// stays the accessible, printable source of truth. The charts sit below the fold, so the
// library is fetched only when a chart comes near the screen: the page is readable before it.
(function () {
  "use strict";
  var charts = document.querySelectorAll("[data-chart]");
  if (!charts.length) return;

  // ECharts' own tooltip writes its rows as HTML with style="" attributes, which the
  // Content-Security-Policy refuses (style-src 'self'): the rows are built as elements here,
  // styled by app.css, the series colour set through the CSSOM (which the policy allows).
  function tip(params) {
    var list = Array.isArray(params) ? params : [params];
    var box = document.createElement("div");
    var head = document.createElement("div");
    head.className = "chart-tip-head";
    head.textContent = list[0].axisValueLabel || list[0].name;
    box.appendChild(head);
    list.forEach(function (p) {
      if (p.value === null || p.value === undefined) return;
      var row = document.createElement("div");
      row.className = "chart-tip-row";
      var dot = document.createElement("span");
      dot.className = "chart-tip-dot";
      dot.style.backgroundColor = p.color;
      var name = document.createElement("span");
      name.textContent = p.seriesName;
      var value = document.createElement("strong");
      value.textContent = p.value;
      row.append(dot, name, value);
      box.appendChild(row);
    });
    return box;
  }

  function draw(el, option) {
    option.tooltip = Object.assign({ formatter: tip }, option.tooltip);
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption(option);
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function trend(el) {
    var source = document.getElementById("trend-data");
    if (!source) return;
    var rows = JSON.parse(source.textContent);
    var pick = function (key) { return rows.map(function (r) { return r[key]; }); };
    draw(el, {
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, itemGap: 12 },
      grid: { left: 8, right: 8, top: 16, bottom: 36, containLabel: true },
      xAxis: {
        type: "category",
        data: rows.map(function (r) { return r.month.slice(2); }),  // 26-11: a year's months fit
        axisLabel: { hideOverlap: true }
      },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", minInterval: 1, splitLine: { show: false } }],
      series: [
        { name: el.dataset.collected, type: "bar", data: pick("collected") },
        { name: el.dataset.solved, type: "bar", data: pick("solved") },
        { name: el.dataset.open, type: "line", connectNulls: true, data: pick("open") },
        { name: el.dataset.visits, type: "line", yAxisIndex: 1, data: pick("visits") }
      ]
    });
  }

  function category(el) {
    // A bar per category, largest on top: every label reads in full, unlike a donut's.
    var data = [];
    document.querySelectorAll('[data-table="category"] tbody tr').forEach(function (tr) {
      var cell = tr.querySelector("[data-value]");
      if (cell) data.push({ name: tr.cells[0].textContent.trim(), value: Number(cell.dataset.value) });
    });
    if (!data.length) { el.hidden = true; return; }
    data.sort(function (a, b) { return a.value - b.value; });
    el.style.height = Math.max(8, 2 * data.length + 3) + "rem";
    draw(el, {
      tooltip: {},
      grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.map(function (d) { return d.name; }) },
      series: [{ name: el.dataset.name, type: "bar", data: data.map(function (d) { return d.value; }),
                 label: { show: true, position: "right" } }]
    });
  }

  var drawers = { trend: trend, category: category };
  var loading = null;
  function withLibrary(then) {
    if (window.echarts) return then();
    if (!loading) {
      loading = [];
      var script = document.createElement("script");
      script.src = charts[0].dataset.library;
      script.onload = function () { loading.forEach(function (f) { f(); }); };
      document.head.appendChild(script);
    }
    loading.push(then);
  }
  function show(el) {
    withLibrary(function () { drawers[el.dataset.chart](el); });
  }

  if (!("IntersectionObserver" in window)) { charts.forEach(show); return; }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) { observer.unobserve(entry.target); show(entry.target); }
    });
  }, { rootMargin: "200px" });
  charts.forEach(function (el) { observer.observe(el); });
})();
