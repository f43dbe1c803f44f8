/* The dashboards' map (socorg/core/maps.py): an ECharts map series over the child units of the region on screen,
   coloured by the chosen figure; a click follows the unit's drill-down link. Units without a boundary are named
   under the map (they are in the table). Needs echarts loaded first (the page's scripts block). */
(function () {
  "use strict";
  var el = document.getElementById("region-map");
  if (!el || !window.echarts) { return; }
  var data = JSON.parse(document.getElementById(el.dataset.mapSource).textContent);
  var select = document.getElementById("region-map-measure");
  var byCode = {};
  data.items.forEach(function (item) { byCode[item.code] = item; });
  var chart = echarts.init(el);
  function measure() {
    var key = select.value;
    return data.measures.filter(function (m) { return m.key === key; })[0] || data.measures[0];
  }
  function draw() {
    var m = measure();
    var values = data.items.map(function (i) { return i.values[m.key]; }).filter(function (v) { return v != null; });
    var max = m.percent ? 100 : Math.max.apply(null, values.concat([1]));
    var min = m.percent ? Math.min.apply(null, values.concat([100])) : 0;
    chart.setOption({
      tooltip: {trigger: "item", formatter: function (p) {
        var item = byCode[p.name];
        if (!item) { return ""; }
        var v = item.values[m.key];
        return item.label + "<br>" + m.label + "：" + (v == null ? data.no_data : v + (m.percent ? "%" : ""));
      }},
      visualMap: {min: Math.floor(min), max: Math.ceil(max), calculable: true, left: 10, bottom: 10,
                  inRange: {color: ["#fde0dd", "#fa9fb5", "#c51b8a", "#7a0177"]}},
      series: [{type: "map", map: "socorg-" + data.code, nameProperty: "code", roam: true, selectedMode: false,
                label: {show: false}, emphasis: {label: {show: true, formatter: function (p) { return byCode[p.name] ? byCode[p.name].label : ""; }}},
                data: data.items.map(function (i) { return {name: i.code, value: i.values[m.key]}; })}]
    }, true);
  }
  fetch(data.geo, {credentials: "same-origin"}).then(function (r) {
    if (!r.ok) { throw new Error(r.status); }
    return r.json();
  }).then(function (geo) {
    echarts.registerMap("socorg-" + data.code, geo);
    var drawn = {};
    geo.features.forEach(function (f) { drawn[f.properties.code] = true; });
    var missing = data.items.filter(function (i) { return !drawn[i.code]; }).map(function (i) { return i.label; });
    if (missing.length) {
      var note = document.getElementById("region-map-missing");
      note.textContent = data.missing.replace("%s", missing.join("、"));
      note.hidden = false;
    }
    draw();
    el.dataset.rendered = "1";
  }).catch(function () { el.hidden = true; });
  select.addEventListener("change", draw);
  chart.on("click", function (p) { var item = byCode[p.name]; if (item && item.url) { window.location = item.url; } });
  window.addEventListener("resize", function () { chart.resize(); });
})();
