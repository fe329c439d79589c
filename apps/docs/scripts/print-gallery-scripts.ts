/** Prints the gallery's scripts as JSON (`[{ key, code }]`) for `scripts/check-docs-code.mjs`. */
import { galleryScripts } from "../gallery-scripts.js";

console.log(JSON.stringify(galleryScripts()));
