// Draws the pages' charts with Chart.js from the JSON block the server put in the page (no inline code).
(function () {
  "use strict";
  const t = window.pageWords || function (text) { return text; };
  const block = document.getElementById("chart-data");
  if (!block || !window.Chart) return;
  let data;
  try { data = JSON.parse(block.textContent); } catch (err) { return; }
  const Chart = window.Chart;
  const BLUE = "#0b5cad", GREEN = "#1f8a4c", ORANGE = "#c25e00", GREY = "#8a96a3";
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#37414b";
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  function dayLabel(iso) {
    const parts = iso.split("-");
    const at = new Date(Number(parts[0]), Number(parts[1]) - 1, Number(parts[2]));
    return at.toLocaleDateString([], { month: "short", day: "numeric" });
  }

  function money(value) {
    if (!data.currency) return String(value);
    try {
      return new Intl.NumberFormat(document.documentElement.lang || "en", { style: "currency", currency: data.currency, maximumFractionDigits: 0 }).format(value);
    } catch (err) { return value + " " + data.currency; }
  }

  // A campaign's full name under its bars would leave a phone's chart no room: the axis shows its beginning, the
  // tooltip and the table under the chart the whole name.
  function shortName(value) {
    const name = String(this.getLabelForValue(value));
    return name.length > 18 ? name.slice(0, 16).trimEnd() + "…" : name;
  }

  const small = { plugins: { legend: { display: false } }, scales: { x: { ticks: { maxTicksLimit: 5 } }, y: { beginAtZero: true, ticks: { precision: 0, maxTicksLimit: 4 } } } };

  const builders = {
    "mini-messages": function () {
      return { type: "line", data: { labels: data.days.map(dayLabel), datasets: [
        { label: t("Customer messages"), data: data.messages_in, borderColor: BLUE, backgroundColor: BLUE, pointRadius: 0, tension: 0.3, cubicInterpolationMode: "monotone" },
        { label: t("Replies"), data: data.messages_out, borderColor: GREEN, backgroundColor: GREEN, pointRadius: 0, tension: 0.3, cubicInterpolationMode: "monotone" },
      ] }, options: small };
    },
    "mini-revenue": function () {
      return { type: "line", data: { labels: data.days.map(dayLabel), datasets: [
        { label: t("Revenue"), data: data.revenue, borderColor: ORANGE, backgroundColor: "rgba(194,94,0,0.15)", fill: true, pointRadius: 0, tension: 0.3, cubicInterpolationMode: "monotone" },
      ] }, options: { plugins: { legend: { display: false } }, scales: { x: { ticks: { maxTicksLimit: 5 } }, y: { beginAtZero: true, ticks: { maxTicksLimit: 4, callback: money } } } } };
    },
    messages: function () {
      return { type: "line", data: { labels: data.days.map(dayLabel), datasets: [
        { label: t("Customer messages"), data: data.messages_in, borderColor: BLUE, backgroundColor: BLUE, pointRadius: 2, tension: 0.3, cubicInterpolationMode: "monotone" },
        { label: t("Replies"), data: data.messages_out, borderColor: GREEN, backgroundColor: GREEN, pointRadius: 2, tension: 0.3, cubicInterpolationMode: "monotone" },
      ] }, options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } } };
    },
    revenue: function () {
      return { type: "line", data: { labels: data.days.map(dayLabel), datasets: [
        { label: data.currency ? t("Revenue ({currency})", { currency: data.currency }) : t("Revenue"), data: data.revenue, borderColor: ORANGE, backgroundColor: "rgba(194,94,0,0.15)", fill: true, pointRadius: 2, tension: 0.3, cubicInterpolationMode: "monotone" },
      ] }, options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { callback: money } } } } };
    },
    campaigns: function () {
      return { type: "bar", data: { labels: data.campaigns.labels, datasets: [
        { label: t("Conversations"), data: data.campaigns.conversations, backgroundColor: BLUE },
        { label: t("Sales"), data: data.campaigns.conversions, backgroundColor: GREEN },
      ] }, options: { scales: {
        x: { ticks: { callback: shortName, maxRotation: 45 } },
        y: { beginAtZero: true, ticks: { precision: 0 } },
      } } };
    },
    platforms: function () {
      return { type: "doughnut", data: { labels: data.platforms.labels, datasets: [
        { label: t("Conversations"), data: data.platforms.conversations, backgroundColor: [BLUE, "#b5179e", GREEN, GREY] },
      ] }, options: { plugins: { legend: { position: "bottom" } } } };
    },
    ads: function () {
      return { type: "bar", data: { labels: data.ads.labels, datasets: [
        { label: t("Spend"), data: data.ads.spend, backgroundColor: ORANGE },
        { label: t("Revenue"), data: data.ads.revenue, backgroundColor: GREEN },
      ] }, options: { scales: { x: { ticks: { maxTicksLimit: 6 } }, y: { beginAtZero: true, ticks: { callback: money, maxTicksLimit: 5 } } } } };
    },
    // One ad or post per day: what happened as bars (counts, left), what it brought and cost as lines (money, right).
    "ad-days": function () {
      const d = data.ad_days;
      return { type: "bar", data: { labels: d.days.map(dayLabel), datasets: [
        { label: t("Comments"), data: d.comments, backgroundColor: GREY, yAxisID: "y" },
        { label: t("Private replies"), data: d.private_replies, backgroundColor: "#3f7fc4", yAxisID: "y" },
        { label: t("Conversations"), data: d.conversations, backgroundColor: BLUE, yAxisID: "y" },
        { label: t("Sales"), data: d.sales, backgroundColor: GREEN, yAxisID: "y" },
        { type: "line", label: t("Revenue"), data: d.revenue, borderColor: GREEN, backgroundColor: GREEN, pointRadius: 1, tension: 0.3, cubicInterpolationMode: "monotone", yAxisID: "money" },
        { type: "line", label: t("Spend"), data: d.spend, borderColor: ORANGE, backgroundColor: ORANGE, pointRadius: 1, borderDash: [4, 3], yAxisID: "money" },
      ] }, options: { plugins: { legend: { position: "bottom", labels: { boxWidth: 12 } } }, scales: {
        x: { ticks: { maxTicksLimit: 6, maxRotation: 0 } },
        y: { beginAtZero: true, position: "left", ticks: { precision: 0, maxTicksLimit: 5 } },
        money: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { callback: money, maxTicksLimit: 5 } },
      } } };
    },
    funnel: function () {
      return { type: "bar", data: { labels: data.funnel.labels, datasets: [
        { label: t("Leads"), data: data.funnel.counts, backgroundColor: [GREY, BLUE, "#3f7fc4", ORANGE, GREEN] },
      ] }, options: { indexAxis: "y", plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } } };
    },
    hours: function () {
      const max = Math.max(1, ...data.hours.map(function (cell) { return cell.v; }));
      const hours = Array.from({ length: 24 }, function (_, h) { return String(h).padStart(2, "0"); });
      return { type: "matrix", data: { datasets: [{
        label: t("Customer messages"),
        data: data.hours.map(function (cell) { return { x: String(cell.x).padStart(2, "0"), y: cell.y, v: cell.v }; }),
        backgroundColor: function (ctx) {
          const cell = ctx.dataset.data[ctx.dataIndex];
          return "rgba(11,92,173," + (cell ? 0.08 + 0.92 * cell.v / max : 0) + ")";
        },
        borderWidth: 0,
        width: function (ctx) { const area = ctx.chart.chartArea; return area ? area.width / 24 - 1 : 8; },
        height: function (ctx) { const area = ctx.chart.chartArea; return area ? area.height / 7 - 1 : 8; },
      }] }, options: {
        plugins: { legend: { display: false }, tooltip: { callbacks: {
          title: function (items) { const c = items[0].raw; return c.y + " " + c.x + ":00"; },
          label: function (item) { return item.raw.v + " messages"; },
        } } },
        scales: {
          x: { type: "category", labels: hours, offset: true, grid: { display: false }, ticks: { maxTicksLimit: 8 } },
          y: { type: "category", labels: data.weekdays, offset: true, grid: { display: false } },
        },
      } };
    },
  };

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    const build = builders[canvas.dataset.chart];
    if (!build) return;
    try {
      new Chart(canvas, build());
      canvas.dataset.rendered = "true";
    } catch (err) {
      canvas.dataset.rendered = "failed";
    }
  });
})();
