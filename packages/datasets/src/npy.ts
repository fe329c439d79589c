/**
 * NumPy `.npy` files (format version 1.0, little-endian float64, C order) from and to bytes, so
 * every array the project writes loads with `numpy.load` without parsing text (no file system).
 * @packageDocumentation
 */
import { KineticError } from "@kinetic-nde/core";
import { invalidArgument } from "@kinetic-nde/core/validate";

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
/** numpy pads magic + length + header to a multiple of 64 bytes (since numpy 1.x, for mmap alignment). */
const ALIGN = 64;
/** Bytes before the header text in format 1.0: magic (6), version (2), header length (2). */
const PREAMBLE = 10;

function checkShape(shape: unknown): readonly number[] {
  if (!Array.isArray(shape)) throw invalidArgument("shape", "an array of non-negative integers", shape);
  for (const n of shape) {
    if (typeof n !== "number" || !Number.isSafeInteger(n) || n < 0)
      throw invalidArgument("shape", "an array of non-negative safe integers", shape);
  }
  return shape as readonly number[];
}

function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const k of shape) n *= k;
  return n;
}

function shapeText(shape: readonly number[]): string {
  // Python's tuple repr: (), (3,), (2, 3)
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(", ")})`;
}

/**
 * The header of a version-1.0 `.npy` file of little-endian float64 values in C order: magic,
 * version, header length and the padded dictionary text, `headerBytes.length % 64 === 0`.
 * @param shape - the array's shape, e.g. `[rows, columns]` (non-negative integers; `[]` for a scalar)
 * @returns the header bytes; the data (`8 · ∏shape` bytes) follow it
 * @throws KineticError INVALID_ARGUMENT for a shape that is not a list of non-negative integers, or
 *   TOO_LARGE when the header would exceed format 1.0's 65535 bytes
 * @remarks Lets a writer stream the data after the header without holding a copy of the array.
 * @example
 * ```ts
 * const header = npyHeader([1000, 2]); // then write 16000 bytes of float64 values
 * ```
 */
export function npyHeader(shape: readonly number[]): Uint8Array {
  const s = checkShape(shape);
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeText(s)}, }`;
  // Pad with spaces and end with a newline so that PREAMBLE + header length is a multiple of ALIGN.
  const unpadded = PREAMBLE + dict.length + 1;
  const total = Math.ceil(unpadded / ALIGN) * ALIGN;
  const headerLen = total - PREAMBLE;
  if (headerLen > 0xffff) throw new KineticError("TOO_LARGE", `too large: the .npy header of shape ${shapeText(s)} exceeds 65535 bytes`);
  const text = dict + " ".repeat(total - unpadded) + "\n";
  const out = new Uint8Array(total);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = headerLen & 0xff;
  out[9] = headerLen >>> 8;
  for (let i = 0; i < text.length; i++) out[PREAMBLE + i] = text.charCodeAt(i);
  return out;
}

/**
 * Encode a float64 array as the bytes of a `.npy` file (format 1.0, `'<f8'`, C order), as
 * `numpy.save` writes it.
 * @param array - the values in C (row-major) order: `array[i * shape[1] + j]` for a 2-D shape
 * @param shape - the shape; default `[array.length]`; `∏shape` must equal `array.length`
 * @returns fresh bytes: a 64-byte-aligned header followed by `8 · array.length` little-endian bytes
 * @throws KineticError INVALID_ARGUMENT for a bad shape, SHAPE_MISMATCH when `∏shape ≠ array.length`
 * @remarks O(n); values are written bit for bit (NaN payloads, -0 and infinities kept).
 * @example
 * ```ts
 * const bytes = encodeNpy(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
 * // numpy.load(...) → array([[1., 2., 3.], [4., 5., 6.]])
 * ```
 */
export function encodeNpy(array: ArrayLike<number>, shape: readonly number[] = [array.length]): Uint8Array {
  const s = checkShape(shape);
  if (shapeSize(s) !== array.length) {
    throw new KineticError(
      "SHAPE_MISMATCH",
      `shape mismatch: \`shape\` ${shapeText(s)} holds ${shapeSize(s)} values; \`array\` has ${array.length}`,
    );
  }
  const header = npyHeader(s);
  const out = new Uint8Array(header.length + 8 * array.length);
  out.set(header, 0);
  const view = new DataView(out.buffer, header.length);
  for (let i = 0; i < array.length; i++) view.setFloat64(8 * i, array[i]!, true);
  return out;
}

/** A decoded `.npy` array. */
export interface NpyArray {
  /** The values in C (row-major) order, as float64. */
  readonly data: Float64Array;
  /** The shape, e.g. `[rows, columns]`. */
  readonly shape: readonly number[];
}

function npyError(rule: string): KineticError {
  return new KineticError("PARSE_ERROR", `cannot parse .npy: ${rule}`);
}

/**
 * Decode the bytes of a `.npy` file of float64 values (format 1.0, 2.0 or 3.0; `'<f8'` or `'>f8'`;
 * C or Fortran order, returned in C order).
 * @param bytes - the whole file
 * @returns the values in C order and the shape
 * @throws KineticError PARSE_ERROR for a bad magic string, an unsupported version or dtype (only
 *   float64 is read), a malformed header, or a data length that does not match the shape
 * @example
 * ```ts
 * const { data, shape } = decodeNpy(encodeNpy([1, 2, 3, 4], [2, 2])); // shape [2, 2]
 * ```
 */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (!(bytes instanceof Uint8Array)) throw invalidArgument("bytes", "a Uint8Array", bytes);
  for (let i = 0; i < MAGIC.length; i++) if (bytes[i] !== MAGIC[i]) throw npyError("the file does not start with \\x93NUMPY");
  const major = bytes[6];
  let headerLen: number, start: number;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major === 1) {
    if (bytes.length < 10) throw npyError("truncated preamble");
    headerLen = dv.getUint16(8, true);
    start = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw npyError("truncated preamble");
    headerLen = dv.getUint32(8, true);
    start = 12;
  } else throw npyError(`unsupported format version ${String(major)}`);
  if (start + headerLen > bytes.length) throw npyError("truncated header");
  let header = "";
  for (let i = start; i < start + headerLen; i++) header += String.fromCharCode(bytes[i]!);
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeMatch === undefined)
    throw npyError(`malformed header ${JSON.stringify(header.trim())}`);
  if (descr !== "<f8" && descr !== ">f8" && descr !== "=f8") throw npyError(`dtype ${JSON.stringify(descr)} is not float64 ('<f8')`);
  const shape = shapeMatch
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "")
    .map((t) => {
      const n = Number(t.replace(/L$/, ""));
      if (!Number.isSafeInteger(n) || n < 0) throw npyError(`bad shape entry ${JSON.stringify(t)}`);
      return n;
    });
  const n = shapeSize(shape);
  const dataStart = start + headerLen;
  if (bytes.length - dataStart !== 8 * n)
    throw npyError(`shape ${shapeText(shape)} needs ${8 * n} data bytes; the file has ${bytes.length - dataStart}`);
  const little = descr !== ">f8";
  const flat = new Float64Array(n);
  for (let i = 0; i < n; i++) flat[i] = dv.getFloat64(dataStart + 8 * i, little);
  if (fortran === "False" || shape.length < 2) return { data: flat, shape };
  // Fortran order: the first index varies fastest; transpose into C order.
  const data = new Float64Array(n);
  const strides = new Array<number>(shape.length);
  let st = 1;
  for (let k = 0; k < shape.length; k++) {
    strides[k] = st;
    st *= shape[k]!;
  }
  const idx = new Array<number>(shape.length).fill(0);
  for (let c = 0; c < n; c++) {
    let f = 0;
    for (let k = 0; k < shape.length; k++) f += idx[k]! * strides[k]!;
    data[c] = flat[f]!;
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
  return { data, shape };
}
