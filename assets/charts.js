/* charts.js — draws the charts of the portrait and dashboard pages with Apache
 * ECharts (assets/echarts.min.js), from the numbers of the table that each
 * chart sits beside. The page carries everything without JavaScript: this is
 * progressive enhancement only, and does nothing when ECharts did not load.
 *
 * Markup (written by src/report.c):
 *   <figure class="chart" data-chart="line|bar|hbar" data-title="…" data-unit="%"
 *           data-mark="15" data-mark-label="目标">
 *     <div class="chart-box" role="img" aria-label="…" hidden></div>
 *     <table> … <td data-x="2024" data-s="疏附县第一小学" data-v="23.5"> … </table>
 *   </figure>
 * Every cell with data-x / data-s / data-v is one point: x the category, s the
 * series; categories and series keep the order in which the table gives them. */
(function () {
  'use strict';
  if (typeof window.echarts === 'undefined') return;
  var echarts = window.echarts;

  /* colours that also differ in lightness, and a pattern and symbol per series,
   * so that no series is told apart by hue alone */
  var COLOURS = ['#8b1a1a', '#0b5cad', '#2e7d32', '#b26a00', '#5b3c88', '#37474f'];
  var SYMBOLS = ['circle', 'rect', 'triangle', 'diamond', 'pin', 'arrow'];
  var LINES = ['solid', 'dashed', 'dotted', 'solid', 'dashed', 'dotted'];

  function collect(fig) {
    var xs = [], ss = [], xi = {}, si = {}, v = {};
    var cells = fig.querySelectorAll('[data-x][data-s][data-v]');
    for (var i = 0; i < cells.length; i++) {
      var c = cells[i], x = c.getAttribute('data-x'), s = c.getAttribute('data-s');
      var n = parseFloat(c.getAttribute('data-v'));
      if (!isFinite(n)) continue;
      if (!(x in xi)) { xi[x] = xs.length; xs.push(x); }
      if (!(s in si)) { si[s] = ss.length; ss.push(s); }
      v[si[s] + '\u0000' + xi[x]] = n;
    }
    var series = ss.map(function (name, k) {
      return { name: name, data: xs.map(function (_, j) {
        var key = k + '\u0000' + j;
        return key in v ? v[key] : null;
      }) };
    });
    return { xs: xs, series: series };
  }

  function fmt(n, unit) {
    var d = Math.abs(n) >= 100 || Math.round(n) === n ? 0 : 1;
    if (unit === '%') d = 1;
    return n.toLocaleString(document.documentElement.lang || 'zh-CN',
      { minimumFractionDigits: d, maximumFractionDigits: d }) + (unit === '%' ? '%' : '');
  }

  function option(fig, data) {
    var type = fig.getAttribute('data-chart');
    var unit = fig.getAttribute('data-unit') || '';
    var title = fig.getAttribute('data-title') || '';
    var horizontal = type === 'hbar';
    var many = data.xs.length > 12;
    var multi = data.series.length > 1;
    var series = data.series.map(function (s, k) {
      var o = {
        name: s.name,
        type: type === 'line' ? 'line' : 'bar',
        data: s.data,
        itemStyle: { color: COLOURS[k % COLOURS.length] },
        label: {
          show: !many || type !== 'line',
          position: horizontal ? 'right' : 'top',
          fontSize: 11,
          formatter: function (p) { return p.value == null ? '' : fmt(p.value, unit); }
        }
      };
      if (type === 'line') {
        o.symbol = SYMBOLS[k % SYMBOLS.length];
        o.symbolSize = many ? 5 : 8;
        o.connectNulls = false;
        o.lineStyle = { type: LINES[k % LINES.length], width: 2 };
      } else {
        o.barMaxWidth = 36;
      }
      return o;
    });
    var mark = fig.getAttribute('data-mark');
    if (mark !== null && series.length) {
      var m = parseFloat(mark);
      var ml = (fig.getAttribute('data-mark-label') || '') + ' ' + fmt(m, unit);
      series[0].markLine = {
        silent: true, symbol: 'none',
        lineStyle: { type: 'dashed', color: '#222', width: 1.5 },
        label: { formatter: ml, position: horizontal ? 'end' : 'insideEndTop', fontSize: 11 },
        data: [horizontal ? { xAxis: m } : { yAxis: m }]
      };
    }
    var cat = { type: 'category', data: data.xs,
      axisLabel: { interval: many ? 'auto' : 0, hideOverlap: true, rotate: !horizontal && data.xs.length > 6 ? 35 : 0 } };
    var narrow = (fig.clientWidth || 600) < 480;
    var val = { type: 'value', name: unit, nameTextStyle: { align: horizontal ? 'right' : 'left' },
      splitNumber: narrow ? 3 : 5,
      axisLabel: { hideOverlap: true, formatter: function (n) {
        return Math.round(n) === n ? n.toLocaleString() + (unit === '%' ? '%' : '') : fmt(n, unit);
      } } };
    if (horizontal) cat.inverse = true; /* keep the table's order, top to bottom */
    return {
      animation: false,
      aria: { enabled: true, decal: { show: true } },
      title: { text: title, left: 0, top: 0, textStyle: { fontSize: 14, fontWeight: 600 } },
      tooltip: { trigger: 'axis', valueFormatter: function (n) { return n == null ? '—' : fmt(n, unit); } },
      legend: multi ? { top: 24, left: 0, type: 'scroll' } : undefined,
      grid: { left: 8, right: horizontal ? 56 : 16, top: (multi ? 64 : 40) + (horizontal && mark !== null ? 16 : 0), bottom: 8, containLabel: true },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? cat : val,
      series: series
    };
  }

  var charts = [];
  function draw(fig) {
    var box = fig.querySelector('.chart-box');
    if (!box) return;
    var data = collect(fig);
    if (!data.xs.length) return;
    box.hidden = false;
    if (fig.getAttribute('data-chart') === 'hbar') {
      box.style.height = Math.max(220, 60 + data.xs.length * 26 * Math.max(1, data.series.length * 0.7)) + 'px';
    }
    try {
      var chart = echarts.init(box, null, { renderer: 'canvas' });
      chart.setOption(option(fig, data));
      charts.push(chart);
      fig.classList.add('drawn');
    } catch (e) {
      box.hidden = true; /* the table still says it all */
    }
  }

  function start() {
    var figs = document.querySelectorAll('figure.chart[data-chart]');
    for (var i = 0; i < figs.length; i++) draw(figs[i]);
    var t = null;
    window.addEventListener('resize', function () {
      clearTimeout(t);
      t = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
