/* 领导驾驶舱 charts: one horizontal bar chart per section (readable on a phone), switchable
   between the section's indicators; clicking a bar opens that region's dashboard (drill-down). */
(function () {
  "use strict";
  function build() {
    var holder = document.getElementById("chart-data");
    if (!holder || !window.echarts) { return; }
    var sections = JSON.parse(holder.textContent);
    var charts = [];
    sections.forEach(function (section, index) {
      var el = document.getElementById("chart-" + index);
      if (!el) { return; }
      var chart = echarts.init(el, null, { renderer: "svg" });
      charts.push(chart);
      var pick = document.querySelector('select.chart-pick[data-chart="' + index + '"]');
      function draw(i) {
        var s = section.series[i];
        if (!s) { return; }
        var pts = s.points.slice().reverse();  /* first region at the top */
        el.style.height = Math.max(180, 34 * pts.length + 70) + "px";
        chart.resize();
        chart.setOption({
          animation: false,
          title: { text: s.name + (s.percent ? "（%）" : "（" + s.unit + "）"), left: 0, textStyle: { fontSize: 14 } },
          grid: { left: 8, right: 48, top: 36, bottom: 8, containLabel: true },
          tooltip: { trigger: "item", formatter: function (p) { return p.name + "：" + pts[p.dataIndex].label; } },
          xAxis: { type: "value", axisLabel: { formatter: function (v) { return s.percent ? Math.round(v * 1000) / 10 + "%" : v; } } },
          yAxis: { type: "category", data: pts.map(function (p) { return p.name; }), axisLabel: { width: 110, overflow: "truncate" } },
          series: [{ type: "bar", data: pts.map(function (p) { return p.value; }), itemStyle: { color: "#b4232a" }, cursor: "pointer",
                     label: { show: true, position: "right", formatter: function (p) { return pts[p.dataIndex].label; } } }]
        }, true);
        chart.off("click");
        chart.on("click", function (p) { var u = pts[p.dataIndex].url; if (u) { window.location.href = u; } });
      }
      if (pick) { pick.addEventListener("change", function () { draw(parseInt(pick.value, 10)); }); }
      draw(0);
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", build); } else { build(); }
}());
