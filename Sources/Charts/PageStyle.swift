/// The one stylesheet of every page mlbot draws (dashboard and reports): system fonts only, so
/// nothing is fetched from another host.
public enum PageStyle {
    public static let css = """
    :root { --ink: #1d2330; --muted: #5f6b7a; --line: #d8dee6; --panel: #ffffff; --bg: #f4f6f9; --good: #2e8b57; --bad: #c0392b; --warn: #d35400; }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--ink); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
    header { display: flex; align-items: baseline; gap: 16px; padding: 12px 20px; background: #1d2330; color: #fff; flex-wrap: wrap; }
    header h1 { font-size: 18px; margin: 0; }
    header .sub { color: #c5ccd6; }
    main { padding: 16px 20px; display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(440px, 1fr)); }
    section { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; min-width: 0; }
    section.wide { grid-column: 1 / -1; }
    h2 { font-size: 15px; margin: 0 0 8px; }
    table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
    th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
    th { color: var(--muted); font-weight: 600; }
    td.num, th.num { text-align: right; }
    .figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px; }
    .figure { border: 1px solid var(--line); border-radius: 5px; padding: 6px 10px; }
    .figure .label { color: var(--muted); font-size: 12px; }
    .figure .value { font-size: 18px; font-weight: 600; font-variant-numeric: tabular-nums; }
    .good { color: var(--good); } .bad { color: var(--bad); } .warn { color: var(--warn); } .muted { color: var(--muted); }
    .state { display: inline-block; padding: 2px 10px; border-radius: 12px; font-weight: 700; }
    .state.ACTIVE { background: #d8f0e2; color: #1e6b43; } .state.REDUCING { background: #fde8d4; color: #9a4100; } .state.HALTED { background: #f8d7d3; color: #8e1f14; }
    svg.chart { width: 100%; height: auto; display: block; font-size: 11px; fill: var(--ink); }
    svg.chart .chart-title { font-size: 13px; font-weight: 600; }
    svg.chart .grid { stroke: #e6eaf0; } svg.chart .baseline, svg.chart .tick { stroke: #9aa5b1; }
    svg.chart .axis text, svg.chart .legend text, svg.chart .axis-title { fill: var(--muted); }
    svg.chart .empty { fill: var(--muted); font-size: 14px; }
    svg.chart .cell { font-size: 10px; }
    .bar { height: 14px; background: #e6eaf0; border-radius: 7px; overflow: hidden; position: relative; }
    .bar > span { position: absolute; top: 0; bottom: 0; left: 0; }
    .note { color: var(--muted); font-size: 13px; }
    .box { border-left: 4px solid var(--warn); background: #fff8f1; padding: 8px 12px; }
    a { color: #1f6fb2; }
    code, pre { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
    pre { background: #f4f6f9; padding: 8px; overflow: auto; max-height: 360px; }
    """
}
