// The target board's charts (目标任务看板): data from the page's json_script, no inline script (CSP).
// Township: one horizontal bar chart, each target this year and last year, the target marked as a
// dark tick across its row. County: one small chart a target, the townships side by side and the
// county's total, the target as a dashed line.
(function () {
  var source = document.getElementById("board-chart-data");
  var printButton = document.querySelector("[data-print]");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
  if (!source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var RED = "#b5121b", GREY = "#adb5bd", GREEN = "#2f7d32", INK = "#212529";
  var narrow = window.matchMedia("(max-width: 576px)").matches;

  // Long Chinese labels broken into lines, so the bars keep their width on a phone.
  function wrap(label, width) {
    var lines = [];
    for (var i = 0; i < label.length; i += width) { lines.push(label.slice(i, i + width)); }
    return lines;
  }

  // Draws each row's target as a vertical tick (township) or one dashed line (county).
  var targetMarks = {
    id: "targetMarks",
    afterDatasetsDraw: function (chart, args, options) {
      var values = options.values || [];
      var x = chart.scales.x, y = chart.scales.y, ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = INK;
      if (options.single !== undefined && options.single !== null) {
        var px = x.getPixelForValue(options.single);
        ctx.setLineDash([5, 4]);
        ctx.lineWidth = 1.5;
        ctx.beginPath(); ctx.moveTo(px, y.top); ctx.lineTo(px, y.bottom); ctx.stroke();
      } else {
        ctx.lineWidth = 3;
        var band = (y.bottom - y.top) / Math.max(values.length, 1);
        values.forEach(function (value, index) {
          if (value === null) { return; }
          var px = x.getPixelForValue(value), py = y.getPixelForValue(index);
          ctx.beginPath(); ctx.moveTo(px, py - band * 0.42); ctx.lineTo(px, py + band * 0.42); ctx.stroke();
        });
      }
      ctx.restore();
    }
  };

  function percentAxis() {
    return { min: 0, max: 100, ticks: { callback: function (v) { return v + "%"; } } };
  }

  function tooltip() {
    return { callbacks: { label: function (c) { return c.dataset.label + "：" + (c.raw === null ? "—" : c.raw + "%"); } } };
  }

  function barColours(values, reached) {
    return values.map(function (_v, i) { return reached[i] ? GREEN : RED; });
  }

  if (data.kind === "township") {
    var canvas = document.getElementById("board-chart");
    if (!canvas) { return; }
    canvas.parentElement.style.height = (data.labels.length * (narrow ? 58 : 44) + 70) + "px";
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels.map(function (l) { return narrow ? wrap(l, 7) : l; }),
        datasets: [
          { label: data.thisLabel, data: data.this, backgroundColor: barColours(data.this, data.reached) },
          { label: data.lastLabel, data: data.last, backgroundColor: GREY }
        ]
      },
      options: {
        indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false,
        scales: { x: percentAxis(), y: { ticks: { autoSkip: false, font: { size: narrow ? 11 : 12 } } } },
        plugins: {
          legend: { display: false },  // the page draws one legend for every chart
          tooltip: tooltip(),
          targetMarks: { values: data.targets }
        }
      },
      plugins: [targetMarks]
    });
  } else if (data.kind === "county") {
    document.querySelectorAll("canvas[data-chart-index]").forEach(function (canvas) {
      var one = data.charts[Number(canvas.dataset.chartIndex)];
      canvas.parentElement.style.height = (one.labels.length * 34 + 70) + "px";
      new Chart(canvas, {
        type: "bar",
        data: {
          labels: one.labels,
          datasets: [
            { label: data.thisLabel, data: one.this, backgroundColor: barColours(one.this, one.reached) },
            { label: data.lastLabel, data: one.last, backgroundColor: GREY }
          ]
        },
        options: {
          indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false,
          scales: { x: percentAxis(), y: { ticks: { autoSkip: false } } },
          plugins: {
            legend: { display: false },  // the page draws one legend for every chart
            tooltip: tooltip(),
            targetMarks: { single: one.target }
          }
        },
        plugins: [targetMarks]
      });
    });
  }
})();
