/** The page's CSS, inlined: the page loads nothing from anywhere. */
export const VIEWER_STYLES = `
:root { --label: 40%; --error: #d62728; font: 13px/1.4 system-ui, sans-serif; color: #1d1d1f; }
body { margin: 0; display: flex; min-height: 100vh; }
main { flex: 1; min-width: 0; padding: 12px 16px; }
h1 { font-size: 18px; margin: 0 0 2px; }
#summary { color: #555; margin: 0 0 8px; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 14px; list-style: none; padding: 0; margin: 0 0 12px; }
.legend li { display: flex; align-items: center; gap: 5px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; flex: none; }
details.trace { border: 1px solid #ddd; border-radius: 6px; margin-bottom: 12px; overflow: hidden; }
details.trace > summary { cursor: pointer; padding: 6px 10px; background: #f5f5f7; font-weight: 600; }
summary .meta { font-weight: 400; color: #666; margin-left: 10px; font-size: 12px; }
.row, .axis { display: flex; align-items: stretch; min-height: 22px; border-top: 1px solid #f0f0f0; }
.axis { color: #777; font-size: 11px; background: #fafafa; }
.row { cursor: pointer; }
.row:hover { background: #f3f7fc; }
.row.selected { background: #e3edf9; }
.row.error .name { color: var(--error); }
.label { width: var(--label); box-sizing: border-box; flex: none; display: flex; align-items: center; gap: 6px; overflow: hidden;
  white-space: nowrap; text-overflow: ellipsis; border-right: 1px solid #eee; padding-right: 6px; }
.label .service { color: #666; flex: none; }
.label .name { overflow: hidden; text-overflow: ellipsis; min-width: 0; }
.label .service::after { content: ':'; }
.error-mark { background: var(--error); color: #fff; border-radius: 50%; width: 14px; height: 14px; flex: none;
  font-size: 10px; font-weight: 700; text-align: center; line-height: 14px; }
.lane { position: relative; flex: 1; margin: 0 70px 0 8px; }
.tick { position: absolute; top: 4px; transform: translateX(-50%); white-space: nowrap; }
.tick:first-child { transform: none; }
.bar { position: absolute; top: 5px; height: 12px; border-radius: 2px; opacity: 0.9; }
.row.error .bar { outline: 2px solid var(--error); outline-offset: 0; }
.event-mark { position: absolute; top: 3px; width: 8px; height: 8px; margin-left: -4px; background: #222;
  transform: rotate(45deg); border: 1px solid #fff; }
.event-mark.exception { background: var(--error); }
.duration { position: absolute; top: 3px; font-size: 11px; color: #555; white-space: nowrap; }
#details { width: 380px; flex: none; border-left: 1px solid #ddd; padding: 12px 14px; overflow: auto;
  max-height: 100vh; position: sticky; top: 0; box-sizing: border-box; background: #fcfcfd; }
#details h2 { font-size: 15px; margin: 0 0 8px; word-break: break-all; }
#details h3 { font-size: 12px; text-transform: uppercase; color: #666; margin: 12px 0 4px; }
#details .kv h3 { text-transform: none; color: #333; }
#details dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 0; font-size: 12px; }
#details dt { color: #666; }
#details dd { margin: 0; word-break: break-all; font-family: ui-monospace, monospace; }
.empty { color: #999; margin: 0; }
`;
