// Runs in report.html: draws the timeline chart from the model embedded in the page (chart-model.ts)
// with uPlot, and the interval and outage lanes under it on the same time axis. What it drew is left
// in window.khdChart, so a test can compare it with report.json.
(function () {
  'use strict';
  var model = JSON.parse(document.getElementById('khd-chart-data').textContent);
  var chartEl = document.getElementById('khd-chart');
  var lanesEl = document.getElementById('khd-lanes');

  var SERIES_COLORS = {
    'k6 load': '#4a90d9',
    'etcd members': '#50a050',
    DNS: '#b07cc6',
    'per-apiserver probes': '#8c8c8c',
    'API probes': '#1f3a93',
    'failed (any)': '#d0021b',
  };
  var FAULT = 'rgba(245, 166, 35, 0.18)';
  var LANE_COLORS = {
    fault: '#f5a623',
    failover: '#7b61ff',
    degraded: '#f8c471',
    outage: '#d0021b',
    'member-outage': '#e58a8a',
  };
  var LEADER = '#7b61ff';
  var LANE_H = 14;
  var LABEL_W = 190;

  // uPlot wants one x array for all series: every request is a point of its own series, null elsewhere.
  function alignedData() {
    var points = [];
    model.series.forEach(function (s, i) {
      for (var k = 0; k < s.x.length; k++) points.push([s.x[k], i, s.y[k]]);
    });
    points.sort(function (a, b) {
      return a[0] - b[0];
    });
    var xs = new Array(points.length);
    var ys = model.series.map(function () {
      return new Array(points.length).fill(null);
    });
    points.forEach(function (p, k) {
      xs[k] = p[0];
      ys[p[1]][k] = p[2];
    });
    return [xs].concat(ys);
  }

  var drawn = { faults: [], lanes: [], marks: [] };

  function plotLeft(u) {
    return u.bbox.left / devicePixelRatio;
  }

  function shadeFaults(u) {
    var ctx = u.ctx;
    drawn.faults = [];
    ctx.save();
    ctx.fillStyle = FAULT;
    model.faults.forEach(function (w) {
      var x0 = u.valToPos(w.start, 'x', true);
      var x1 = u.valToPos(w.end, 'x', true);
      ctx.fillRect(x0, u.bbox.top, Math.max(1, x1 - x0), u.bbox.height);
      drawn.faults.push({ start: w.start, end: w.end, open: w.open });
    });
    ctx.restore();
  }

  function leaderLines(u) {
    var ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = LEADER;
    ctx.setLineDash([5, 4]);
    ctx.lineWidth = devicePixelRatio;
    model.marks.forEach(function (m) {
      if (m.kind !== 'leader-change') return;
      var x = u.valToPos(m.at, 'x', true);
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
    });
    ctx.restore();
  }

  function drawLanes(u) {
    var rows = model.lanes.length + 1;
    var width = chartEl.clientWidth;
    var height = rows * LANE_H + 6;
    var dpr = devicePixelRatio;
    lanesEl.width = width * dpr;
    lanesEl.height = height * dpr;
    lanesEl.style.width = width + 'px';
    lanesEl.style.height = height + 'px';
    var ctx = lanesEl.getContext('2d');
    ctx.scale(dpr, dpr);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px system-ui, sans-serif';
    ctx.textBaseline = 'middle';
    var left = plotLeft(u);
    var right = left + u.bbox.width / dpr;
    var xOf = function (t) {
      return Math.min(right, Math.max(left, left + u.valToPos(t, 'x')));
    };
    drawn.lanes = [];
    drawn.marks = [];
    model.lanes.forEach(function (lane, row) {
      var y = row * LANE_H + 3;
      ctx.fillStyle = '#1d2430';
      ctx.textAlign = 'right';
      ctx.fillText(lane.label, left - 6, y + LANE_H / 2, LABEL_W - 10);
      ctx.fillStyle = '#f2f4f8';
      ctx.fillRect(left, y + 1, right - left, LANE_H - 3);
      ctx.fillStyle = LANE_COLORS[lane.kind];
      var windows = [];
      lane.windows.forEach(function (w) {
        var x0 = xOf(w.start);
        var x1 = xOf(w.end);
        ctx.fillRect(x0, y + 1, Math.max(2, x1 - x0), LANE_H - 3);
        windows.push({ start: w.start, end: w.end, open: w.open });
      });
      drawn.lanes.push({ label: lane.label, kind: lane.kind, windows: windows });
    });
    // The last row: process exits (down) and starts (up), leader changes (dashed, as on the plot).
    var y = model.lanes.length * LANE_H + 3;
    ctx.fillStyle = '#1d2430';
    ctx.textAlign = 'right';
    ctx.fillText('processes, leader', left - 6, y + LANE_H / 2, LABEL_W - 10);
    model.marks.forEach(function (m) {
      var x = xOf(m.at);
      ctx.strokeStyle = m.kind === 'leader-change' ? LEADER : '#4a4a4a';
      ctx.setLineDash(m.kind === 'leader-change' ? [3, 2] : []);
      ctx.lineWidth = 2;
      ctx.beginPath();
      if (m.kind === 'process-exit') {
        ctx.moveTo(x, y + LANE_H / 2);
        ctx.lineTo(x, y + LANE_H - 1);
      } else if (m.kind === 'process-start') {
        ctx.moveTo(x, y + 1);
        ctx.lineTo(x, y + LANE_H / 2);
      } else {
        ctx.moveTo(x, y);
        ctx.lineTo(x, y + LANE_H);
      }
      ctx.stroke();
      drawn.marks.push({ at: m.at, kind: m.kind });
    });
  }

  var series = [{ label: 'issued at (s)' }].concat(
    model.series.map(function (s) {
      var color = SERIES_COLORS[s.label] || '#333';
      return {
        label: s.label + ' (' + s.x.length + ')',
        stroke: color,
        paths: function () {
          return null;
        },
        points: { show: true, size: s.failed ? 6 : 3, width: 0, fill: color, stroke: color, space: 0 },
        value: function (_u, v) {
          return v == null ? '-' : v.toFixed(2) + ' ms';
        },
      };
    }),
  );

  var options = {
    width: chartEl.clientWidth,
    height: 420,
    scales: {
      x: { time: false, range: [model.from, model.to] },
      y: { distr: 3 },
    },
    axes: [
      { label: 'seconds since the start of the baseline', stroke: '#1d2430' },
      { label: 'latency (ms)', size: LABEL_W, stroke: '#1d2430' },
    ],
    series: series,
    legend: { live: true },
    hooks: {
      drawClear: [shadeFaults],
      draw: [leaderLines, drawLanes],
    },
  };

  var plot = new uPlot(options, alignedData(), chartEl);
  // The lanes belong right under the plot's time axis, above the series legend.
  plot.root.insertBefore(lanesEl, plot.root.querySelector('.u-legend'));
  window.addEventListener('resize', function () {
    plot.setSize({ width: chartEl.clientWidth, height: 420 });
  });
  window.khdChart = { plot: plot, model: model, drawn: drawn };
})();
