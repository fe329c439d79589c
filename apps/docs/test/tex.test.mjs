/**
 * Checks of `scripts/tex.mjs`, the typesetting of TeX-style scripts in the API reference and the
 * build-time tables. Run: `node test/tex.test.mjs` (no build needed).
 */
import { markdownScripts, scripts, texToHtml } from "../scripts/tex.mjs";

const cases = [
  ["braced superscript", scripts("decays like e^{2wt}"), "decays like e<sup>2wt</sup>"],
  ["leading minus becomes a minus sign", scripts("O(M^{-1/2})"), "O(M<sup>−1/2</sup>)"],
  ["escaped braces (typedoc's sanitised prose)", scripts("x^\\{k+1\\}"), "x<sup>k+1</sup>"],
  ["nested groups", scripts("∫_{t_k}^{t_{k+1}}"), "∫<sub>t<sub>k</sub></sub><sup>t<sub>k+1</sub></sup>"],
  ["short scripts after a script", scripts("z_i^k and W_ij"), "z<sub>i</sub><sup>k</sup> and W<sub>ij</sub>"],
  ["words with underscores stay", scripts("mass_conserved and snake_case_name"), "mass_conserved and snake_case_name"],
  ["unbalanced braces stay", scripts("e^{wt"), "e^{wt"],
  ["HTML is escaped first", texToHtml("α_{i+1/2} < 1 & x^T"), "α<sub>i+1/2</sub> &lt; 1 &amp; x<sup>T</sup>"],
  [
    "code, link targets, tags and headings are left alone",
    markdownScripts("### m1_0\nx^{k} `x^{k}` [ab](#property-m1_0) <a id=\"p_1\"></a>\n```ts\ne^{1}\n```\ny_{j}"),
    "### m1_0\nx<sup>k</sup> `x^{k}` [ab](#property-m1_0) <a id=\"p_1\"></a>\n```ts\ne^{1}\n```\ny<sub>j</sub>",
  ],
];

let failed = 0;
for (const [name, got, want] of cases) {
  if (got === want) console.log(`  ✓ ${name}`);
  else {
    failed += 1;
    console.log(`  ✗ ${name}\n      got  ${JSON.stringify(got)}\n      want ${JSON.stringify(want)}`);
  }
}
console.log(`${cases.length - failed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
