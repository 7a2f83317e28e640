// Draws the dashboard's charts with Chart.js (from npm, served from our static files).
// Each <canvas data-chart="ID"> has its numbers in <script type="application/json" id="ID">;
// the same numbers are in the table beside it, which is what screen readers read.
(function () {
  "use strict";
  const autosubmit = document.querySelector("[data-autosubmit]");
  if (autosubmit) {
    autosubmit.addEventListener("change", function () {
      autosubmit.form.requestSubmit();
    });
  }
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });
  if (typeof Chart === "undefined") {
    return;
  }
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    const spec = JSON.parse(source.textContent);
    if (spec.horizontal && spec.labels.length > 10) {
      canvas.parentNode.style.height = 1.6 * spec.labels.length + 2 + "rem";
    }
    const unit = spec.unit || "";
    const round = spec.kind === "doughnut";
    const config = {
      type: spec.kind,
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series) {
          return { label: series.label, data: series.values, spanGaps: true, tension: 0.2 };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: round || spec.series.length > 1, position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (context) {
                const value = round ? context.parsed : context.parsed[spec.horizontal ? "x" : "y"];
                return context.dataset.label + ": " + value.toLocaleString() + unit;
              },
            },
          },
        },
      },
    };
    if (!round) {
      config.options.indexAxis = spec.horizontal ? "y" : "x";
      const valueAxis = spec.horizontal ? "x" : "y";
      config.options.scales = {};
      config.options.scales[valueAxis] = {
        beginAtZero: true,
        max: unit === "%" ? 100 : undefined,
        ticks: { precision: 0 },
      };
    }
    new Chart(canvas, config);
  });
})();
