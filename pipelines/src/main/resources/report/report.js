/* FlowBeam report: draws the data of the report-data block with DOM and SVG text nodes only.
   Nothing here assigns markup: every value from the capture (addresses, file names, rejected rows)
   goes through textContent or a text node. No library, nothing fetched. */
(function () {
  'use strict';
  var SVG = 'http://www.w3.org/2000/svg';
  var COLORS = ['#2f6fdf', '#e0732c', '#2f9e6a', '#c23b5a', '#7a4fd0', '#b08a12', '#1b9aaa', '#6b6b6b'];
  var W = 560;

  var data = JSON.parse(document.getElementById('report-data').textContent);
  var root = document.getElementById('report');
  root.textContent = '';
  document.title = 'FlowBeam report: ' + data.title;

  /* ---- elements ---- */
  function h(tag, attrs, children) {
    var e = document.createElement(tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }
  function s(tag, attrs, children) {
    var e = document.createElementNS(SVG, tag);
    setAttrs(e, attrs);
    append(e, children);
    return e;
  }
  function setAttrs(e, attrs) {
    if (attrs) {
      Object.keys(attrs).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
    }
  }
  function append(e, children) {
    if (children === undefined || children === null) return;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (c) {
      if (c === undefined || c === null) return;
      e.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
    });
  }
  function tip(text) { return s('title', null, text); }
  function add(parent, child) { parent.appendChild(child); return child; }

  /* ---- numbers and times ---- */
  function num(n) { return Number(n).toLocaleString('en-US'); }
  function short(n) {
    var a = Math.abs(n);
    if (a >= 1e12) return (n / 1e12).toFixed(a >= 1e13 ? 0 : 1) + 'T';
    if (a >= 1e9) return (n / 1e9).toFixed(a >= 1e10 ? 0 : 1) + 'G';
    if (a >= 1e6) return (n / 1e6).toFixed(a >= 1e7 ? 0 : 1) + 'M';
    if (a >= 1e3) return (n / 1e3).toFixed(a >= 1e4 ? 0 : 1) + 'k';
    return String(Math.round(n * 100) / 100);
  }
  function bytes(n) {
    var units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    var i = 0;
    while (Math.abs(n) >= 1024 && i < units.length - 1) { n /= 1024; i++; }
    return (i === 0 ? String(n) : n.toFixed(n >= 100 ? 0 : 1)) + ' ' + units[i];
  }
  function duration(us) {
    if (us < 1000) return us + ' µs';
    if (us < 1e6) return short(us / 1000) + ' ms';
    var sec = us / 1e6;
    if (sec < 120) return (sec < 10 ? sec.toFixed(2) : sec.toFixed(0)) + ' s';
    if (sec < 7200) return (sec / 60).toFixed(0) + ' min';
    if (sec < 172800) return (sec / 3600).toFixed(1) + ' h';
    return (sec / 86400).toFixed(0) + ' d';
  }
  function time(us) {
    var d = new Date(us / 1000);
    return isNaN(d.getTime()) ? String(us) : d.toISOString().replace('T', ' ').replace('Z', ' UTC');
  }
  function clock(us, spanUs) {
    var d = new Date(us / 1000);
    return isNaN(d.getTime()) ? String(us) : d.toISOString().substring(11, spanUs < 60e6 ? 23 : 19);
  }
  function cutText(t, n) { t = String(t); return t.length > n ? t.substring(0, n - 1) + '…' : t; }

  /* ---- charts (every drawn datum is an element of class "mark") ---- */
  function emptyNote(text) { return h('p', { 'class': 'empty' }, text || 'Nothing to show.'); }

  function niceMax(v) {
    if (v <= 0) return 1;
    var p = Math.pow(10, Math.floor(Math.log10(v)));
    var m = [1, 2, 2.5, 5, 10].find(function (k) { return k * p >= v; });
    return m * p;
  }

  /* Lines over the time points; series: [{name, values, color}]. */
  function lineChart(name, series, startUs, pointUs, format) {
    var n = series[0].values.length;
    var H = 190, L = 58, R = 10, T = 10, B = 24;
    var max = niceMax(Math.max.apply(null, series.map(function (se) {
      return se.values.reduce(function (a, b) { return Math.max(a, b); }, 0);
    })));
    var svg = s('svg', { 'class': 'chart', 'data-chart': name, viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    var x = function (i) { return L + (n === 1 ? (W - L - R) / 2 : i * (W - L - R) / (n - 1)); };
    var y = function (v) { return T + (H - T - B) * (1 - v / max); };
    [0, 0.5, 1].forEach(function (f) {
      add(svg, s('line', { 'class': 'axis', x1: L, x2: W - R, y1: y(max * f), y2: y(max * f) }));
      add(svg, s('text', { x: L - 6, y: y(max * f) + 4, 'text-anchor': 'end' }, format(max * f)));
    });
    add(svg, s('text', { x: L, y: H - 6 }, clock(startUs, n * pointUs)));
    add(svg, s('text', { x: W - R, y: H - 6, 'text-anchor': 'end' }, clock(startUs + n * pointUs, n * pointUs)));
    series.forEach(function (se) {
      var d = se.values.map(function (v, i) { return (i ? 'L' : 'M') + x(i).toFixed(1) + ' ' + y(v).toFixed(1); }).join(' ');
      var path = add(svg, s('path', { 'class': 'mark', d: d, fill: 'none', stroke: se.color, 'stroke-width': 1.6 }));
      add(path, tip(se.name));
      if (n <= 120) {
        se.values.forEach(function (v, i) {
          var c = add(svg, s('circle', { 'class': 'mark', cx: x(i), cy: y(v), r: 2.5, fill: se.color }));
          add(c, tip(se.name + ' at ' + time(startUs + i * pointUs) + ': ' + format(v)));
        });
      }
    });
    return svg;
  }

  /* Horizontal bars; items: [{label, parts: [v...], tip}], parts stacked in COLORS order. */
  function barChart(name, items, format, partNames) {
    if (!items.length) return emptyNote();
    var row = 20, L = 190, R = 76, H = items.length * row + 4;
    var max = Math.max.apply(null, items.map(function (it) { return sum(it.parts); })) || 1;
    var svg = s('svg', { 'class': 'chart', 'data-chart': name, viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    items.forEach(function (it, i) {
      var y0 = i * row + 2;
      var label = add(svg, s('text', { x: L - 8, y: y0 + 13, 'text-anchor': 'end' }, cutText(it.label, 30)));
      add(label, tip(String(it.label)));
      var x0 = L;
      it.parts.forEach(function (v, p) {
        var w = (W - L - R) * v / max;
        var r = add(svg, s('rect', { 'class': 'mark', x: x0, y: y0 + 2, width: Math.max(w, v > 0 ? 1 : 0), height: row - 6, fill: COLORS[p % COLORS.length] }));
        add(r, tip(String(it.label) + (partNames ? ', ' + partNames[p] : '') + ': ' + format(v)));
        x0 += w;
      });
      add(svg, s('text', { x: x0 + 6, y: y0 + 13 }, format(sum(it.parts))));
    });
    return svg;
  }
  function sum(a) { return a.reduce(function (x, y) { return x + y; }, 0); }

  /* Vertical bars over powers-of-two bins [{lo, hi, count}]. */
  function histogram(name, bins, labelOf) {
    if (!bins.length) return emptyNote();
    var H = 190, L = 46, R = 6, T = 10, B = 34;
    var max = niceMax(Math.max.apply(null, bins.map(function (b) { return b.count; })));
    var bw = (W - L - R) / bins.length;
    var svg = s('svg', { 'class': 'chart', 'data-chart': name, viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    var y = function (v) { return T + (H - T - B) * (1 - v / max); };
    [0, 0.5, 1].forEach(function (f) {
      add(svg, s('line', { 'class': 'axis', x1: L, x2: W - R, y1: y(max * f), y2: y(max * f) }));
      add(svg, s('text', { x: L - 6, y: y(max * f) + 4, 'text-anchor': 'end' }, short(max * f)));
    });
    var every = Math.ceil(bins.length / 10);
    bins.forEach(function (b, i) {
      var x = L + i * bw;
      var r = add(svg, s('rect', { 'class': 'mark', x: x + 1, y: y(b.count), width: Math.max(bw - 2, 1), height: y(0) - y(b.count), fill: COLORS[0] }));
      add(r, tip(labelOf(b.lo) + ' to ' + labelOf(b.hi) + ': ' + num(b.count) + ' flows'));
      if (i % every === 0) {
        add(svg, s('text', { x: x + bw / 2, y: H - 18, 'text-anchor': 'middle' }, labelOf(b.lo)));
      }
    });
    add(svg, s('text', { x: W - R, y: H - 3, 'text-anchor': 'end' }, 'bins from the value shown, doubling'));
    return svg;
  }

  function legend(names) {
    return h('div', { 'class': 'legend' }, names.map(function (n, i) {
      var sw = h('i'); sw.style.background = COLORS[i % COLORS.length];
      return h('span', null, [sw, n]);
    }));
  }

  function table(headers, rows, numeric) {
    var t = h('table');
    add(t, h('thead', null, h('tr', null, headers.map(function (x, i) {
      return h('th', numeric && numeric[i] ? { 'class': 'n' } : null, x);
    }))));
    var body = add(t, h('tbody'));
    rows.forEach(function (r) {
      add(body, h('tr', null, r.map(function (c, i) {
        return h('td', numeric && numeric[i] ? { 'class': 'n' } : null, c);
      })));
    });
    return t;
  }

  function panel(title, children) { return h('div', { 'class': 'panel' }, [h('h3', null, title)].concat(children)); }
  function section(title, children) {
    add(root, h('h2', null, title));
    return add(root, h('div', { 'class': 'grid' }, children));
  }
  function entries(obj) { return obj ? Object.keys(obj).map(function (k) { return [k, obj[k]]; }) : []; }

  /* ---- the page ---- */
  var m = data.manifest || {};
  var counts = m.counts || {};
  add(root, h('h1', null, 'FlowBeam report: ' + data.title));
  var range = m.time_range || {};
  add(root, h('p', { 'class': 'sub' }, [
    (m.runner || 'runner unknown') + ' · FlowBeam ' + (m.flowbeam_version || '?') + ' · Apache Beam ' +
      (m.beam_version || '?') + (m.created_at ? ' · written ' + m.created_at : ''),
    h('br'),
    range.start != null ? 'Traffic from ' + time(range.start) + ' to ' + time(range.end) + ' (' + duration(range.duration) + ')' : 'No traffic'
  ]));
  (data.notes || []).forEach(function (n) { add(root, h('p', { 'class': 'note' }, n)); });

  var kpi = function (label, value) { return h('div', { 'class': 'kpi' }, [h('b', null, value), h('span', null, label)]); };
  add(root, h('div', { 'class': 'kpis' }, [
    kpi('records read', num(counts.records_read || 0)),
    kpi('packets', num(counts.packets || 0)),
    kpi('rejected', num(counts.rejected || 0)),
    kpi('non-IP frames', num(counts.non_ip_frames || 0)),
    counts.filtered ? kpi('filtered out', num(counts.filtered)) : null,
    kpi('flows', num(counts.flows || 0)),
    kpi('bytes in flows', bytes(data.flows.bytes)),
    kpi('addresses', num(counts.ip_addresses != null ? counts.ip_addresses : data.talkers.addresses))
  ]));

  var checks = entries(m.reconciliation);
  var failing = checks.filter(function (e) { return e[1] !== true; });
  if (checks.length) {
    add(root, h('p', { 'class': failing.length ? 'fail' : 'ok' }, failing.length
      ? '✗ ' + failing.length + ' of ' + checks.length + ' reconciliation checks fail: ' + failing.map(function (e) { return e[0]; }).join('; ')
      : '✓ all ' + checks.length + ' reconciliation checks of the manifest hold'));
  }

  /* Compared with another output (flowbeam diff --report) */
  var cmp = data.comparison;
  if (cmp) {
    var shown = cmp.differences.length;
    var listed = cmp.changed + cmp.onlyInA + cmp.onlyInB;
    section('Compared with ' + cmp.a, [
      panel('Flows by change (A: ' + num(cmp.flowsA) + ' flows, B, this output: ' + num(cmp.flowsB) + ')', [
        barChart('comparison', [
          { label: 'the same', parts: [cmp.same] },
          { label: 'changed', parts: [cmp.changed] },
          { label: 'only in A', parts: [cmp.onlyInA] },
          { label: 'only in B', parts: [cmp.onlyInB] }
        ], num)
      ]),
      panel('Differences' + (listed > shown ? ' (first ' + num(shown) + ' of ' + num(listed) + '; the diff CSV has all)' : ''),
        shown ? [table(['change', 'conversation', 'packets A → B', 'bytes A → B', 'state A → B', 'close reason A → B', 'tunnel A → B'],
          cmp.differences.map(function (d) {
            return [d.change, d.conversation, d.packets, d.bytes, d.state, d.closeReason, d.tunnel];
          }))] : [emptyNote('No flow differs.')])
    ]);
  }

  /* Over time */
  var tb = data.timeBins;
  if (tb) {
    var per = tb.binsPerPoint > 1 ? ' (each point adds up ' + tb.binsPerPoint + ' bins: ' + duration(tb.pointUs) + ')' : ' (per bin of ' + duration(tb.pointUs) + ')';
    var flagNames = Object.keys(tb.flags);
    section('Over time' + per, [
      panel('Packets', [lineChart('packets-over-time', [{ name: 'packets', values: tb.packets, color: COLORS[0] }], tb.startUs, tb.pointUs, short)]),
      panel('Bytes', [lineChart('bytes-over-time', [{ name: 'bytes', values: tb.bytes, color: COLORS[1] }], tb.startUs, tb.pointUs, bytes)]),
      panel('Flows started', [lineChart('flows-over-time', [{ name: 'flows started', values: tb.flowsStarted, color: COLORS[2] }], tb.startUs, tb.pointUs, short)]),
      panel('TCP packets with each flag', [lineChart('flags-over-time', flagNames.map(function (f, i) {
        return { name: f.toUpperCase(), values: tb.flags[f], color: COLORS[i % COLORS.length] };
      }), tb.startUs, tb.pointUs, short), legend(flagNames.map(function (f) { return f.toUpperCase(); }))])
    ]);
  } else {
    section('Over time', [emptyNote('The run wrote no time bins.')]);
  }

  /* Traffic */
  var talkers = data.talkers.top;
  var pairs = data.pairs.top;
  section('Who talks', [
    panel('Flag mix (TCP packets per flag type)', [barChart('flag-mix', data.flagMix.map(function (f) {
      return { label: f.flagType, parts: [f.count] };
    }), num)]),
    panel('Top talkers by bytes (' + num(data.talkers.addresses) + ' addresses)', [
      barChart('top-talkers', talkers.map(function (t) { return { label: t.ip, parts: [t.sentBytes, t.recvBytes] }; }), bytes, ['sent', 'received']),
      legend(['sent', 'received']),
      talkers.length ? h('details', null, [h('summary', null, 'table'), table(['address', 'sent packets', 'received packets', 'sent bytes', 'received bytes'],
        talkers.map(function (t) { return [t.ip, num(t.sentPackets), num(t.recvPackets), num(t.sentBytes), num(t.recvBytes)]; }), [false, true, true, true, true])]) : null
    ]),
    panel('Top pairs by bytes of their flows', [
      barChart('top-pairs', pairs.map(function (p) { return { label: p.a + ' ↔ ' + p.b, parts: [p.bytes] }; }), bytes),
      data.pairs.approximate ? h('p', { 'class': 'note' }, 'Approximate: more distinct pairs than the report tracks; totals may be low.') : null,
      pairs.length ? h('details', null, [h('summary', null, 'table'), table(['address', 'address', 'flows', 'packets', 'bytes'],
        pairs.map(function (p) { return [p.a, p.b, num(p.flows), num(p.packets), num(p.bytes)]; }), [false, false, true, true, true])]) : null
    ])
  ]);

  /* Flows */
  var fl = data.flows;
  var labelled = function (obj) { return entries(obj).map(function (e) { return { label: e[0], parts: [e[1]] }; }); };
  section('Flows (' + num(fl.count) + ')', [
    panel('Duration', [histogram('flow-duration', fl.durationUs, duration)]),
    panel('Packets per flow', [histogram('flow-packets', fl.packetsPerFlow, short)]),
    panel('Bytes per flow', [histogram('flow-bytes', fl.bytesPerFlow, bytes)]),
    panel('Close reasons', [barChart('close-reasons', labelled(fl.closeReasons), num)]),
    panel('States', [barChart('states', labelled(fl.states), num)]),
    panel('Protocols (flows)', [
      barChart('protocols', fl.protocols.map(function (p) { return { label: p.name, parts: [p.flows] }; }), num),
      fl.protocols.length ? table(['protocol', 'flows', 'packets', 'bytes'], fl.protocols.map(function (p) {
        return [p.name, num(p.flows), num(p.packets), num(p.bytes)];
      }), [false, true, true, true]) : null
    ])
  ]);

  /* Rejected */
  var rj = data.rejected;
  var skipped = m.rejected_files || [];
  var rejectedPanels = [];
  if (rj.count > 0) {
    rejectedPanels.push(panel('Rejected records by kind of reason', [
      barChart('rejected-kinds', rj.groups.map(function (g) { return { label: g.kind, parts: [g.count] }; }), num),
      rj.otherCount > 0 ? h('p', { 'class': 'note' }, num(rj.otherCount) + ' more of other kinds') : null
    ]));
  } else {
    rejectedPanels.push(panel('Rejected records', [emptyNote('None: every record was used.')]));
  }
  if (skipped.length) {
    rejectedPanels.push(panel('Skipped input files', [table(['file', 'reason'], skipped.map(function (r) {
      return [String(r.file), String(r.reason)];
    }))]));
  }
  section('Rejected (' + num(rj.count) + ')', rejectedPanels);
  rj.groups.forEach(function (g) {
    add(root, h('h3', null, g.kind + ' — ' + num(g.count)));
    add(root, table(['file', 'offset', 'reason', 'raw'], g.examples.map(function (e) {
      return [e.file, num(e.offset), e.reason, h('pre', { 'class': 'raw' }, e.raw)];
    }), [false, true, false, false]));
  });

  /* Counts and reconciliation */
  var rec = entries(m.reconciliation);
  section('Counts and reconciliation', [
    panel('Reconciliation', rec.length ? [table(['check', 'result'], rec.map(function (e) {
      return [e[0], h('span', { 'class': e[1] === true ? 'ok' : 'fail' }, e[1] === true ? '✓ holds' : '✗ fails')];
    }))] : [emptyNote('The manifest has no reconciliation.')]),
    panel('Counts', [table(['count', 'value'], entries(counts).map(function (e) { return [e[0], num(e[1])]; }), [false, true])])
  ]);

  /* Inputs and options */
  var files = m.input_files || [];
  var nonIp = entries(m.non_ip_frames_by_type);
  section('Inputs and options', [
    panel('Input files' + (m.input_files_total > files.length ? ' (first ' + files.length + ' of ' + num(m.input_files_total) + ')' : ''),
      files.length ? [table(['file', 'format', 'records read'], files.map(function (f) {
        return [String(f.file), String(f.format || ''), num(f.records_read || 0)];
      }), [false, false, true])] : [emptyNote()]),
    panel('Options', [table(['option', 'value'], entries(m.options).map(function (e) {
      return [e[0], typeof e[1] === 'string' ? e[1] : JSON.stringify(e[1])];
    }))]),
    nonIp.length ? panel('Frames without an IP packet', [barChart('non-ip-frames', nonIp.map(function (e) {
      return { label: e[0], parts: [e[1]] };
    }), num)]) : null
  ].filter(Boolean));
})();
