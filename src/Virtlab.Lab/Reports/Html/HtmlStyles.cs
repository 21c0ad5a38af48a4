namespace Virtlab.Lab.Reports.Html;

/// <summary>
/// The page's only stylesheet, inline. Verdict colours are Okabe-Ito (blue for passed, vermillion for failed,
/// reddish purple for error, grey for skipped) and every verdict also carries a symbol and a word; failed cells are
/// striped so they differ without colour. Kept free of '&amp;' and '&lt;' so the page stays well-formed XML.
/// </summary>
internal static class HtmlStyles
{
    public const string Css = """
:root { --ink: #1f2328; --muted: #5b6370; --line: #d8dce2; --paper: #ffffff; --bg: #f3f4f6;
  --pass: #0b5f99; --pass-bg: #e1eefa; --fail: #b34400; --fail-bg: #fde6d8; --error: #93386c; --error-bg: #f5e1ec;
  --skip: #5b6370; --skip-bg: #eceef1; --none: #8a919b; --none-bg: #f6f7f8; --band: #e69f00; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
.page { max-width: 1180px; margin: 0 auto; padding: 0 20px; }
a { color: inherit; }
code, pre, .mono { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.9em; }
h1 { font-size: 2.1rem; margin: 0.1em 0 0.15em; letter-spacing: -0.01em; }
h2 { font-size: 1.35rem; margin: 0 0 0.4em; }
h3 { font-size: 1.05rem; margin: 1.4em 0 0.5em; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 20px 24px; margin: 18px 0; box-shadow: 0 1px 2px rgba(0,0,0,0.04); }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.75rem; color: var(--muted); margin: 0; }
.description { color: var(--muted); margin: 0 0 14px; font-size: 1.05rem; }
.verdicts { display: grid; grid-template-columns: max-content 1fr; gap: 6px 16px; margin: 12px 0 16px; align-items: baseline; }
.verdicts dt { font-weight: 600; color: var(--muted); }
.verdicts dd { margin: 0; }
.observed { font-size: 1.15rem; font-weight: 600; }
.facts { display: flex; flex-wrap: wrap; gap: 6px 28px; margin: 0; padding-top: 12px; border-top: 1px solid var(--line); font-size: 0.9rem; }
.facts div { min-width: 0; }
.facts dt { color: var(--muted); font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.05em; }
.facts dd { margin: 0; }
.counts { display: flex; gap: 8px; flex-wrap: wrap; margin: 0 0 8px; padding: 0; list-style: none; }
.badge { display: inline-block; padding: 1px 9px; border-radius: 999px; font-weight: 600; font-size: 0.85rem; white-space: nowrap; border: 1px solid currentColor; }
.pass { color: var(--pass); background-color: var(--pass-bg); }
.fail { color: var(--fail); background-color: var(--fail-bg); }
.error { color: var(--error); background-color: var(--error-bg); }
.skip { color: var(--skip); background-color: var(--skip-bg); }
.none { color: var(--none); background-color: var(--none-bg); }
.matrix-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; }
table.matrix { border-collapse: separate; border-spacing: 4px; margin: 0 -4px; }
.matrix th { text-align: left; font-size: 0.85rem; color: var(--muted); font-weight: 600; padding: 4px 8px; vertical-align: bottom; }
.matrix th.world-name { color: var(--ink); font-size: 0.95rem; vertical-align: middle; min-width: 220px; }
.matrix th.world-name a { text-decoration: none; }
.matrix th.world-name a:hover { text-decoration: underline; }
.matrix .world-id { display: block; color: var(--muted); font-weight: 400; font-size: 0.78rem; }
.matrix td { padding: 0; border-radius: 6px; border-left: 5px solid currentColor; vertical-align: top; }
.matrix td a { display: block; padding: 6px 10px; text-decoration: none; min-height: 3.2em; }
.matrix td a:hover { outline: 2px solid currentColor; border-radius: 0 6px 6px 0; }
.matrix td.verdict { width: 13em; }
.matrix td .label { display: block; font-weight: 700; font-size: 0.9rem; }
.matrix td .msg { display: block; color: var(--ink); font-size: 0.8rem; line-height: 1.3; opacity: 0.85; }
.matrix td.fail, .finding.fail { background-image: repeating-linear-gradient(135deg, rgba(179,68,0,0.07) 0 6px, transparent 6px 12px); }
.legend { display: flex; gap: 10px; flex-wrap: wrap; margin-top: 12px; font-size: 0.85rem; color: var(--muted); align-items: center; }
.world { border-top: 6px solid var(--line); scroll-margin-top: 12px; }
.world.pass { border-top-color: var(--pass); background-color: var(--paper); color: var(--ink); }
.world.fail { border-top-color: var(--fail); background-color: var(--paper); color: var(--ink); }
.world.error { border-top-color: var(--error); background-color: var(--paper); color: var(--ink); }
.world.skip { border-top-color: var(--skip); background-color: var(--paper); color: var(--ink); }
.world:target { box-shadow: 0 0 0 3px rgba(0,114,178,0.35); }
.world h2 { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
.world .meta { color: var(--muted); margin: 0; font-size: 0.9rem; }
.finding { border-left: 6px solid currentColor; border-radius: 6px; padding: 12px 16px; margin: 12px 0; }
.finding h3 { margin: 0 0 4px; font-size: 1rem; }
.finding .explanation { color: var(--ink); font-size: 1.12rem; margin: 0 0 4px; font-weight: 500; }
.finding .message { color: var(--muted); margin: 0; font-size: 0.9rem; }
.checks td, .checks th, .events td, .events th { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: top; font-size: 0.9rem; }
.checks th, .events th { color: var(--muted); font-weight: 600; font-size: 0.8rem; text-transform: uppercase; letter-spacing: 0.04em; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
figure.timeline { margin: 14px 0 6px; }
figure.timeline figcaption { font-size: 0.85rem; color: var(--muted); margin-bottom: 2px; }
figure.timeline figcaption b { color: var(--ink); font-size: 0.95rem; margin-right: 8px; }
svg.plot { display: block; width: 100%; height: auto; }
svg.plot text { font-family: Arial, "Liberation Sans", Helvetica, "DejaVu Sans", sans-serif; }
.bands-note { font-size: 0.85rem; color: var(--muted); }
.bands-note .swatch { display: inline-block; width: 18px; height: 11px; background: rgba(230,159,0,0.3); border: 1px solid #b07a00; vertical-align: -1px; margin-right: 4px; }
details { margin: 12px 0; }
summary { cursor: pointer; font-weight: 600; }
pre.output { background: #1d2127; color: #e6e8eb; padding: 12px 14px; border-radius: 8px; overflow-x: auto; max-height: 420px; font-size: 0.82rem; line-height: 1.45; margin: 8px 0 0; }
pre.output .err { color: #ffb38a; }
pre.output .at { color: #8b949e; }
.lab-error { border-left: 6px solid var(--error); background-color: var(--error-bg); padding: 12px 16px; border-radius: 6px; font-size: 1.05rem; }
.back { font-size: 0.85rem; margin: 14px 0 0; }
footer { color: var(--muted); font-size: 0.8rem; padding-bottom: 30px !important; }
""";
}
