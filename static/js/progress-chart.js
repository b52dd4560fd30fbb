// The campaign's progress as a bar chart: how many units are in each state.
(function () {
  var canvas = document.getElementById("progress-chart");
  var source = document.getElementById("progress-data");
  if (!canvas || !source || typeof Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: { labels: data.labels, datasets: [{ label: "单位数", data: data.values, backgroundColor: "#b5121b" }] },
    options: {
      indexAxis: "y", animation: false, responsive: true,
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: { autoSkip: false } } }
    }
  });
})();
