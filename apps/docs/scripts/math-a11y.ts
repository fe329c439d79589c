/**
 * Gives every typeset formula a text alternative. markdown-it-mathjax3 draws TeX as an SVG with
 * `role="img"` and no name, which screen readers announce as an unlabelled image. This wraps its
 * renderer rules (used from `markdown.config` in `.vitepress/config.ts`): the SVG becomes
 * `aria-hidden` and the formula's MathML follows it in a visually hidden `<mjx-assistive-mml>`, as
 * MathJax's own assistive-MathML extension does in the browser. The MathML is produced from the same
 * TeX by MathJax at build time.
 */
import type { MarkdownRenderer as MarkdownIt } from "vitepress";
import { liteAdaptor } from "mathjax-full/js/adaptors/liteAdaptor.js";
import { STATE } from "mathjax-full/js/core/MathItem.js";
import type { MmlNode } from "mathjax-full/js/core/MmlTree/MmlNode.js";
import { SerializedMmlVisitor } from "mathjax-full/js/core/MmlTree/SerializedMmlVisitor.js";
import { RegisterHTMLHandler } from "mathjax-full/js/handlers/html.js";
import { AllPackages } from "mathjax-full/js/input/tex/AllPackages.js";
import { TeX } from "mathjax-full/js/input/tex.js";
import { mathjax } from "mathjax-full/js/mathjax.js";

let toMathML: ((tex: string, display: boolean) => string) | undefined;

/** The MathML of a TeX formula (one MathJax document, created on first use). */
export function texToMathML(tex: string, display: boolean): string {
  if (toMathML === undefined) {
    RegisterHTMLHandler(liteAdaptor());
    // bussproofs needs an output jax to measure boxes; MathML conversion has none.
    const packages = AllPackages.filter((p) => p !== "bussproofs");
    const doc = mathjax.document("", { InputJax: new TeX({ packages }) });
    const visitor = new SerializedMmlVisitor();
    toMathML = (t, d) => visitor.visitTree(doc.convert(t, { display: d, end: STATE.CONVERT }) as MmlNode);
  }
  return toMathML(tex, display);
}

/** Adds `aria-hidden` to the SVG of a rendered formula and puts its MathML after it. */
export function withMathML(html: string, tex: string, display: boolean): string {
  let mml: string;
  try {
    // Braces are escaped: the page is compiled as a Vue template, where `{{` starts an expression.
    mml = texToMathML(tex, display).replace(/\{/g, "&#x7B;").replace(/\}/g, "&#x7D;").replace(/\n\s*/g, "");
  } catch {
    // A formula MathJax's TeX input rejects keeps its TeX source as the name.
    const label = tex
      .replace(/&/g, "&amp;")
      .replace(/"/g, "&quot;")
      .replace(/</g, "&lt;")
      .replace(/\{/g, "&#x7B;")
      .replace(/\}/g, "&#x7D;");
    return html.replace(/<svg\b([^>]*?)\srole="img"/, `<svg$1 role="img" aria-label="${label}"`);
  }
  const hidden = html.replace(/<svg\b([^>]*?)\srole="img"\s+focusable="false"/, '<svg$1 aria-hidden="true" focusable="false"');
  const assistive = `<mjx-assistive-mml unselectable="on" display="${display ? "block" : "inline"}">${mml}</mjx-assistive-mml>`;
  return hidden.replace(/<\/mjx-container>(?![\s\S]*<\/mjx-container>)/, `${assistive}</mjx-container>`);
}

/** Wraps the math renderer rules of a markdown-it instance that already uses markdown-it-mathjax3. */
export function accessibleMath(md: MarkdownIt): void {
  for (const [rule, display] of [
    ["math_inline", false],
    ["math_block", true],
  ] as const) {
    const original = md.renderer.rules[rule];
    if (original === undefined) continue;
    md.renderer.rules[rule] = (tokens, idx, options, env, self) =>
      withMathML(original(tokens, idx, options, env, self), tokens[idx]?.content ?? "", display);
  }
}
