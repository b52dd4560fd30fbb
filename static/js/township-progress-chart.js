// The county's home page: each township's units in the running campaigns, stacked by how far they
// have come. Data from the page's json_script (no inline script: CSP); the table below it has the same numbers.
(function () {
  var canvas = document.getElementById("township-progress-chart");
  var source = document.getElementById("township-progress-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  // 未申报, 已申报待验收, 验收通过, 已命名, 未通过
  var COLOURS = ["#ced4da", "#6ea8fe", "#75b798", "#198754", "#b5121b"];
  canvas.parentElement.style.height = (data.labels.length * 40 + 80) + "px";
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: data.datasets.map(function (dataset, index) {
        return { label: dataset.label, data: dataset.data, backgroundColor: COLOURS[index % COLOURS.length] };
      })
    },
    options: {
      indexAxis: "y", animation: false, responsive: true, maintainAspectRatio: false,
      plugins: { legend: { position: "bottom" } },
      scales: {
        x: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: "参加单位数" } },
        y: { stacked: true, ticks: { autoSkip: false } }
      }
    }
  });
})();
