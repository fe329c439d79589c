/**
 * The one way kinetic-nde defines a WebAssembly kernel module: functions whose parameters and locals
 * are declared by name with their type ({@link kernelFunction}: indices are assigned, never written
 * by hand), and a module that is assembled, validated, compiled and instantiated once, on first use
 * ({@link defineKernelModule}), behind one switch for every kernel of every package
 * ({@link setWasmKernelsEnabled}: off forces the TypeScript twins, which the bit-identity tests
 * compare with the kernels). Where WebAssembly SIMD is unavailable a module yields null and the
 * callers run their TypeScript path.
 * @packageDocumentation
 */
import { assembleModule, F64, I32, I64, op, V128, type WasmFunction } from "./assembler.js";

/** Value type of a parameter, result or local. */
export type ValueType = "i32" | "i64" | "f64" | "v128";

const TYPE_BYTE: Readonly<Record<ValueType, number>> = { i32: I32, i64: I64, f64: F64, v128: V128 };

/** Declares further named locals while a body is generated (after those of the signature). */
export interface LocalDeclarations {
  /**
   * Declare a local.
   * @param name - unique within the function
   * @param type - its value type
   * @returns its index, for `op.get` / `op.set` / `op.tee`
   */
  add(name: string, type: ValueType): number;
}

/** Signature of a kernel function: parameters and locals by name (in index order), results. */
export interface KernelSignature<P extends Record<string, ValueType>, L extends Record<string, ValueType>> {
  /** Parameters, name → type, in call order. */
  readonly params: P;
  /** Result types (zero or one). */
  readonly results?: readonly ValueType[];
  /** Locals, name → type; their indices follow the parameters in this order. */
  readonly locals?: L;
}

/** Index of every parameter and declared local, by name. */
export type KernelVars<P, L> = { readonly [K in keyof P | keyof L]: number };

/**
 * One exported function of a kernel module, with named parameters and locals.
 * @param name - export name
 * @param signature - parameters, results and locals by name
 * @param body - generates the instructions (without the final `end`) from the indices of the named
 *   parameters and locals; `more.add` declares further locals (unrolled copies, constant pools)
 * @returns the function, for {@link defineKernelModule}
 * @example
 * ```ts
 * const axpy = kernelFunction("axpy", { params: { a: "f64", x: "f64", y: "f64" }, results: ["f64"] },
 *   (v) => [...op.get(v.a), ...op.get(v.x), ...op.f64Mul, ...op.get(v.y), ...op.f64Add]);
 * ```
 */
export function kernelFunction<
  const P extends Record<string, ValueType>,
  const L extends Record<string, ValueType> = Record<never, ValueType>,
>(name: string, signature: KernelSignature<P, L>, body: (v: KernelVars<P, L>, more: LocalDeclarations) => readonly number[]): WasmFunction {
  const index = new Map<string, number>();
  const params: number[] = [];
  const locals: number[] = [];
  const declare = (n: string, type: ValueType, into: number[]): number => {
    if (index.has(n)) throw new Error(`kernel ${name}: local ${JSON.stringify(n)} declared twice`);
    const i = params.length + locals.length;
    index.set(n, i);
    into.push(TYPE_BYTE[type]);
    return i;
  };
  for (const [n, t] of Object.entries(signature.params)) declare(n, t, params);
  for (const [n, t] of Object.entries(signature.locals ?? {})) declare(n, t, locals);
  const vars = Object.freeze(Object.fromEntries(index)) as KernelVars<P, L>;
  const code = body(vars, { add: (n, t) => declare(n, t, locals) });
  return { name, params, results: (signature.results ?? []).map((t) => TYPE_BYTE[t]), locals, body: code };
}

let enabled = true;

/**
 * Switch every WebAssembly kernel of kinetic-nde on (the default) or off. Off, every solver runs its
 * TypeScript twin, which gives bit-identical results; the tests compare both paths this way.
 * @param on - false to force the TypeScript paths
 * @example
 * ```ts
 * setWasmKernelsEnabled(false); // TypeScript paths only
 * setWasmKernelsEnabled(true);
 * ```
 */
export function setWasmKernelsEnabled(on: boolean): void {
  enabled = on;
}

/**
 * Whether the WebAssembly kernels may be used (see {@link setWasmKernelsEnabled}).
 * @returns the switch
 * @example
 * ```ts
 * if (wasmKernelsEnabled()) { … }
 * ```
 */
export function wasmKernelsEnabled(): boolean {
  return enabled;
}

let simd: boolean | undefined;

/**
 * Whether the WebAssembly SIMD kernels run here: switched on (see {@link setWasmKernelsEnabled}) and
 * the platform validates and compiles a module with SIMD values (checked once, then cached). When
 * false, every solver runs its TypeScript twin; when true, the solvers that have a kernel use it.
 * @returns true when the kernels are switched on and WebAssembly SIMD is available
 * @throws never: a platform without WebAssembly gives false
 * @example
 * ```ts
 * const path = wasmKernelsAvailable() ? "WebAssembly SIMD kernels (f64)" : "TypeScript (f64)";
 * ```
 */
export function wasmKernelsAvailable(): boolean {
  if (!enabled) return false;
  if (simd === undefined) {
    simd = false;
    try {
      const probe = kernelFunction("probe", { params: { x: "f64" }, results: ["f64"], locals: { v: "v128" } }, ({ x }) => [...op.get(x)]);
      const bytes = assembleModule(1, [probe]);
      if (typeof WebAssembly === "object" && WebAssembly.validate(bytes)) simd = new WebAssembly.Module(bytes) !== null;
    } catch {
      simd = false;
    }
  }
  return simd;
}

/** What a kernel module is made of. */
export interface KernelModuleSpec<T> {
  /** Initial memory in 64 KiB pages (the memory is exported as `mem`). */
  readonly memoryPages: number;
  /** The functions, in index order (generated once, on first use). */
  readonly functions: () => readonly WasmFunction[];
  /** Runs on every new instance before it is handed out (e.g. writes a table into its memory). */
  readonly setup?: (kernels: T) => void;
}

/** A kernel module: compiled once, lazily; its shared instance and fresh ones. */
export interface KernelModule<T> {
  /**
   * The module bytes.
   * @returns a fresh copy of the assembled bytes
   */
  bytes(): Uint8Array<ArrayBuffer>;
  /**
   * The shared instance (created on first call), or null when the kernels are switched off or
   * WebAssembly SIMD is unavailable.
   * @returns the exports, or null
   */
  instance(): T | null;
  /**
   * A new instance with a memory of its own (for work that must not share the shared instance's
   * memory), or null as for {@link KernelModule.instance}.
   * @returns the exports, or null
   */
  newInstance(): T | null;
  /**
   * Whether kernels can be handed out here: switched on, and the module compiles.
   * @returns true when {@link KernelModule.instance} would give an instance
   */
  available(): boolean;
  /**
   * The shared instance if one was created, whatever the switch says (to recognise memory handed out
   * earlier); never compiles.
   * @returns the exports, or null
   */
  created(): T | null;
}

/**
 * Define a kernel module: assembled, validated and compiled synchronously on first use, then cached;
 * null where WebAssembly (or SIMD) is unavailable or the module does not validate.
 * @param spec - memory size, functions and per-instance setup
 * @returns the module handle
 * @example
 * ```ts
 * const AXPY = defineKernelModule<{ mem: WebAssembly.Memory; axpy(a: number, x: number, y: number): number }>({
 *   memoryPages: 1, functions: () => [axpy] });
 * AXPY.instance()?.axpy(2, 3, 1); // 7, or undefined without WebAssembly
 * ```
 */
export function defineKernelModule<T extends { readonly mem: WebAssembly.Memory }>(spec: KernelModuleSpec<T>): KernelModule<T> {
  let bytes: Uint8Array<ArrayBuffer> | undefined;
  let compiled: WebAssembly.Module | null | undefined;
  let shared: T | null | undefined;
  const assemble = (): Uint8Array<ArrayBuffer> => (bytes ??= assembleModule(spec.memoryPages, spec.functions()));
  const compile = (): WebAssembly.Module | null => {
    if (compiled === undefined) {
      compiled = null;
      try {
        const b = assemble();
        if (typeof WebAssembly === "object" && WebAssembly.validate(b)) compiled = new WebAssembly.Module(b);
      } catch {
        compiled = null;
      }
    }
    return compiled;
  };
  const instantiate = (): T | null => {
    const m = compile();
    if (m === null) return null;
    try {
      const k = new WebAssembly.Instance(m, {}).exports as unknown as T;
      spec.setup?.(k);
      return k;
    } catch {
      return null;
    }
  };
  return {
    bytes: () => assemble().slice(),
    instance(): T | null {
      if (!enabled) return null;
      if (shared === undefined) shared = instantiate();
      return shared;
    },
    newInstance: (): T | null => (enabled ? instantiate() : null),
    available: (): boolean => enabled && compile() !== null,
    created: (): T | null => shared ?? null,
  };
}
