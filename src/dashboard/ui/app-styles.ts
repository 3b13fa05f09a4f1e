/** The web UI's style sheet (served as `assets/app.css`). */
export const APP_STYLES = `:root {
  --bg: #f6f7f9;
  --panel: #fff;
  --text: #1d2330;
  --muted: #6b7280;
  --line: #e3e6eb;
  --accent: #2f5bd3;
  --ok: #1f9d55;
  --fail: #d64545;
  --warn: #c98a00;
  --info: #2f7fd3;
  font: 14px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  color: var(--text);
  background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
header { background: #1d2330; color: #fff; padding: 0 20px; display: flex; align-items: center; gap: 24px; flex-wrap: wrap; }
header .brand { font-weight: 700; font-size: 16px; color: #fff; padding: 12px 0; }
#nav { display: flex; flex-wrap: wrap; gap: 2px; }
#nav a { color: #cfd6e4; padding: 12px 9px; border-bottom: 3px solid transparent; }
#nav a.active, #nav a:hover { color: #fff; text-decoration: none; border-bottom-color: #7aa2ff; }
#nav .count { display: inline-block; min-width: 20px; margin-left: 4px; padding: 0 6px; border-radius: 10px; background: #39414f; color: #fff; font-size: 12px; text-align: center; }
#nav .sep { width: 1px; background: #39414f; margin: 8px 6px; }
.live { margin: 0; min-height: 18px; text-align: right; font-size: 12px; color: var(--muted); }
.live.offline { color: var(--fail); }
main { max-width: 1200px; margin: 0 auto; padding: 4px 20px 40px; }
h1 { font-size: 22px; margin: 8px 0 16px; display: flex; align-items: center; gap: 10px; flex-wrap: wrap; }
h2 { font-size: 15px; margin: 0 0 10px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 0 0 16px; overflow-x: auto; }
.panel-head { display: flex; justify-content: space-between; align-items: center; }
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 12px; margin-bottom: 16px; }
.tile { background: var(--panel); border: 1px solid var(--line); border-left: 4px solid var(--muted); border-radius: 8px; padding: 12px 14px; color: var(--text); display: flex; flex-direction: column; }
.tile:hover { text-decoration: none; border-color: var(--accent); }
.tile-count { font-size: 26px; font-weight: 700; }
.tile-label { color: var(--muted); text-transform: capitalize; }
.tile.state-succeeded { border-left-color: var(--ok); }
.tile.state-failed { border-left-color: var(--fail); }
.tile.state-processing { border-left-color: var(--info); }
.tile.state-scheduled, .tile.state-awaiting { border-left-color: var(--warn); }
.chart svg { width: 100%; height: auto; display: block; }
.chart .axis { stroke: var(--line); }
.chart .label { fill: var(--muted); font-size: 11px; }
.bar-succeeded { fill: var(--ok); background: var(--ok); }
.bar-failed { fill: var(--fail); background: var(--fail); }
.legend { margin: 6px 0 0; color: var(--muted); }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 8px; }
table { width: 100%; border-collapse: collapse; background: var(--panel); }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; text-transform: uppercase; letter-spacing: 0.03em; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.actions { white-space: nowrap; text-align: right; }
.mono, pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
pre { margin: 0; padding: 12px; background: #f3f4f6; border-radius: 6px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; }
.stack { background: #fff4f4; color: #7a1f1f; }
.error-text { color: var(--fail); word-break: break-word; }
.error-panel { border-color: #f3c4c4; }
.muted { color: var(--muted); }
.empty { color: var(--muted); padding: 20px 0; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #e5e7eb; color: #374151; text-transform: capitalize; }
.badge.state-succeeded, .badge.active { background: #dcf5e6; color: #11643a; }
.badge.state-failed { background: #fde2e2; color: #9b1c1c; }
.badge.state-processing { background: #dbeafe; color: #1e4e8c; }
.badge.state-scheduled, .badge.state-awaiting, .badge.paused { background: #fdf1d6; color: #7c5300; }
.badge.state-deleted { background: #eceff3; color: #4b5563; }
.btn { font: inherit; padding: 5px 12px; border: 1px solid #c9ced8; border-radius: 6px; background: #fff; color: var(--text); cursor: pointer; margin-left: 6px; }
.btn:hover { border-color: var(--accent); }
.btn:disabled { opacity: 0.5; cursor: default; }
.btn.small { padding: 2px 10px; font-size: 12.5px; }
.btn.active { background: var(--accent); color: #fff; border-color: var(--accent); }
.btn.retry, .btn.trigger { border-color: var(--accent); color: var(--accent); }
.btn.danger { border-color: #e8b4b4; color: var(--fail); }
.toolbar { margin-bottom: 12px; display: flex; justify-content: flex-end; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 10px 16px; background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; margin: 0 0 16px; }
.facts dt { color: var(--muted); font-size: 12px; }
.facts dd { margin: 0; word-break: break-word; }
progress { vertical-align: middle; }
progress.wide { width: 100%; height: 14px; }
.timeline { list-style: none; margin: 0; padding: 0; }
.timeline li { padding: 6px 0 6px 14px; border-left: 2px solid var(--line); }
.timeline .reason { margin-left: 8px; }
.filters { display: flex; gap: 12px; align-items: flex-end; flex-wrap: wrap; margin-bottom: 12px; }
.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
.filters input { font: inherit; padding: 4px 8px; border: 1px solid #c9ced8; border-radius: 6px; min-width: 160px; }
.pager { display: flex; align-items: center; justify-content: flex-end; gap: 8px; margin-top: 10px; }
.flash { margin: 0 0 12px; padding: 8px 12px; border-radius: 6px; background: #e8f1ff; color: #1e4e8c; }
.flash.error { background: #fde2e2; color: #9b1c1c; }
.status { max-width: 1200px; margin: 0 auto; padding: 6px 20px 0; }
`;
