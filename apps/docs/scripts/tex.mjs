/**
 * Typesets the TeX-style super- and subscripts that the packages' prose uses (`e^{2wt}`,
 * `O(M^{-1/2})`, `α_{i+1/2}`, nested `∫_{t_k}^{t_{k+1}}`) as HTML `<sup>`/`<sub>`, so that no page
 * shows braces and carets. Used by `scripts/api-postprocess.mjs` on the generated API reference
 * (Markdown, code left alone) and by the guides on build-time text (method descriptions, check
 * claims) through `texToHtml`.
 */

/** The characters that open or close a group, with the escaped forms typedoc writes (`\{`, `\}`). */
const OPEN = /^(\\\{|\{)/;
const CLOSE = /^(\\\}|\})/;

/** Hyphens inside a script are minus signs. */
const minus = (s) => s.replace(/(^|[\s(+=/,])-(?=[\w\d.(α-ωΑ-Ω∞])/g, "$1−");

/**
 * The index just after the group that starts at `text[start]` (an opening brace, escaped or not),
 * and the group's content; `null` when the braces do not balance.
 */
function group(text, start) {
  const open = OPEN.exec(text.slice(start));
  if (open === null) return null;
  let depth = 1;
  let i = start + open[0].length;
  const from = i;
  while (i < text.length) {
    const rest = text.slice(i, i + 2);
    const o = OPEN.exec(rest);
    const c = CLOSE.exec(rest);
    if (c !== null) {
      depth -= 1;
      if (depth === 0) return { end: i + c[0].length, content: text.slice(from, i) };
      i += c[0].length;
    } else if (o !== null) {
      depth += 1;
      i += o[0].length;
    } else {
      i += 1;
    }
  }
  return null;
}

/** A short script without braces: `p^k`, `x^T`, `Σ_i`, `W_ij`, `f_0` (one or two letters or digits). */
const SINGLE = /^[A-Za-z0-9α-ωΑ-Ω]{1,2}(?![A-Za-z0-9α-ωΑ-Ω_])/;
/** What may carry a script: a letter, a digit, a closing bracket or a script just written (`z_i^k`). */
const BASE = /([A-Za-z0-9α-ωΑ-Ω)\]∑Σ∫]|<\/su[bp]>)$/;

/**
 * Replaces every `^{…}` and `_{…}` (braces escaped or not, nested to any depth) by `<sup>…</sup>`
 * and `<sub>…</sub>`, and short scripts after a letter, digit or bracket (`p^k`, `x_i`) the
 * same way. Text without scripts comes back unchanged; unbalanced braces are left as they are.
 *
 * @param {string} text prose that may already contain HTML or Markdown
 * @returns {string} the same prose with the scripts as HTML
 * @example
 * scripts("decays like e^{2wt}"); // "decays like e<sup>2wt</sup>"
 */
export function scripts(text) {
  let out = "";
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if ((ch === "^" || ch === "_") && OPEN.test(text.slice(i + 1, i + 3))) {
      const g = group(text, i + 1);
      if (g !== null) {
        const tag = ch === "^" ? "sup" : "sub";
        out += `<${tag}>${minus(scripts(g.content))}</${tag}>`;
        i = g.end;
        continue;
      }
    }
    if ((ch === "^" || ch === "_") && BASE.test(out)) {
      const one = SINGLE.exec(text.slice(i + 1));
      if (one !== null) {
        const tag = ch === "^" ? "sup" : "sub";
        out += `<${tag}>${one[0]}</${tag}>`;
        i += 1 + one[0].length;
        continue;
      }
    }
    out += ch;
    i += 1;
  }
  return out;
}

/**
 * Escapes plain text for HTML and typesets its scripts: the value for a `v-html` binding.
 *
 * @param {string} text plain text (a check's claim, a method's description)
 * @returns {string} HTML
 * @example
 * texToHtml("Δt ≤ Δx² / max(α_{i+1/2})"); // "Δt ≤ Δx² / max(α<sub>i+1/2</sub>)"
 */
export function texToHtml(text) {
  return scripts(String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;"));
}

/**
 * Typesets the scripts in Markdown prose and leaves code alone: fenced blocks and inline code spans
 * are copied as they are.
 *
 * @param {string} markdown a Markdown page
 * @returns {string} the page with the scripts in its prose as HTML
 * @example
 * markdownScripts("x^{k+1} and `x^{k+1}`"); // "x<sup>k+1</sup> and `x^{k+1}`"
 */
export function markdownScripts(markdown) {
  const lines = markdown.split("\n");
  let fence = null;
  for (let n = 0; n < lines.length; n += 1) {
    const line = lines[n];
    const f = /^\s*(`{3,}|~{3,})/.exec(line);
    if (fence !== null) {
      if (f !== null && f[1][0] === fence[0] && f[1].length >= fence.length) fence = null;
      continue;
    }
    if (f !== null) {
      fence = f[1];
      continue;
    }
    // Headings keep their text (it is their anchor). Inline code spans, HTML tags and link
    // targets are copied as they are.
    if (/^#{1,6}\s/.test(line)) continue;
    lines[n] = line
      .split(/(`+[^`]*?`+|<[^>]*>|\]\([^)]*\))/)
      .map((part, k) => (k % 2 === 1 ? part : scripts(part)))
      .join("");
  }
  return lines.join("\n");
}
