import { runExperiment } from "./src/index.js";
for (const o of [{layers:1},{T:5},{}, {layers:40}, {T:0.5}]) { const r = await runExperiment("classification", o, {seed:1, quick:true}); const s = r.summary; console.log(JSON.stringify(o), Object.entries(s).filter(([k])=>k.startsWith("1d")||k=="dbg").map(([k,v])=>k+"="+v).join(" ")); }
