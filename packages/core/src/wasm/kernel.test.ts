import { afterEach, describe, expect, it } from "vitest";
import { F64, I32, op, V128 } from "./assembler.js";
import { defineKernelModule, kernelFunction, setWasmKernelsEnabled, wasmKernelsAvailable, wasmKernelsEnabled } from "./kernel.js";
import { declareTanhLocals } from "./tanh.js";

afterEach(() => setWasmKernelsEnabled(true));

interface Axpy {
  readonly mem: WebAssembly.Memory;
  axpy(a: number, x: number, y: number): number;
}

const axpy = (): ReturnType<typeof kernelFunction> =>
  kernelFunction("axpy", { params: { a: "f64", x: "f64", y: "f64" }, results: ["f64"], locals: { t: "f64" } }, ({ a, x, y, t }) => [
    ...op.get(a),
    ...op.get(x),
    ...op.f64Mul,
    ...op.tee(t),
    ...op.get(y),
    ...op.f64Add,
  ]);

describe("kernelFunction", () => {
  it("numbers parameters, declared locals and added locals in declaration order, with their types", () => {
    let seen: Record<string, number> = {};
    const added: number[] = [];
    const f = kernelFunction("f", { params: { n: "i32", h: "f64" }, locals: { i: "i32", acc: "v128" } }, (v, more) => {
      seen = { ...v };
      added.push(more.add("extra", "f64"));
      const t = declareTanhLocals(more, "t0");
      added.push(t.z, t.ki);
      return [];
    });
    expect(seen).toEqual({ n: 0, h: 1, i: 2, acc: 3 });
    expect(added).toEqual([4, 5, 14]);
    expect(f.params).toEqual([I32, F64]);
    expect(f.locals).toEqual([I32, V128, F64, ...Array<number>(10).fill(V128)]);
    expect(f.results).toEqual([]);
  });

  it("refuses a name declared twice", () => {
    expect(() => kernelFunction("g", { params: { x: "i32" }, locals: {} }, (_v, more) => [...op.get(more.add("x", "f64"))])).toThrow(
      /declared twice/,
    );
  });
});

describe("defineKernelModule", () => {
  it("compiles once, shares one instance, runs setup on each instance, and obeys the one switch", () => {
    let built = 0;
    let setups = 0;
    const M = defineKernelModule<Axpy>({
      memoryPages: 1,
      functions: () => {
        built++;
        return [axpy()];
      },
      setup: () => {
        setups++;
      },
    });
    expect(M.created()).toBeNull();
    const k = M.instance();
    expect(k).not.toBeNull();
    expect(k!.axpy(2, 3, 1)).toBe(7);
    expect(M.instance()).toBe(k);
    expect(M.created()).toBe(k);
    const other = M.newInstance();
    expect(other).not.toBe(k);
    expect(other!.mem).not.toBe(k!.mem);
    expect(M.bytes()).toEqual(M.bytes());
    expect(built).toBe(1);
    expect(setups).toBe(2);
    setWasmKernelsEnabled(false);
    expect(wasmKernelsEnabled()).toBe(false);
    expect(M.instance()).toBeNull();
    expect(M.newInstance()).toBeNull();
    expect(M.available()).toBe(false);
    expect(M.created()).toBe(k); // memory handed out earlier is still recognised
    setWasmKernelsEnabled(true);
    expect(M.available()).toBe(true);
    expect(M.instance()).toBe(k);
  });

  it("yields null for a module that does not validate", () => {
    const bad = defineKernelModule<Axpy>({
      memoryPages: 1,
      functions: () => [kernelFunction("bad", { params: {}, results: ["f64"] }, () => [...op.i32(1)])],
    });
    expect(bad.instance()).toBeNull();
    expect(bad.available()).toBe(false);
  });
});

describe("wasmKernelsAvailable", () => {
  it("agrees with whether a SIMD module validates here, and is false when the kernels are switched off", () => {
    const M = defineKernelModule<Axpy>({ memoryPages: 1, functions: () => [axpy()] });
    const simdModule = defineKernelModule<Axpy>({
      memoryPages: 1,
      functions: () => [
        kernelFunction("axpy", { params: { a: "f64", x: "f64", y: "f64" }, results: ["f64"], locals: { v: "v128" } }, ({ a }) => [
          ...op.get(a),
        ]),
      ],
    });
    expect(wasmKernelsAvailable()).toBe(simdModule.available());
    // Node (the test platform) has WebAssembly SIMD: the kernels are the default path.
    expect(wasmKernelsAvailable()).toBe(true);
    expect(M.instance()).not.toBeNull();
    setWasmKernelsEnabled(false);
    expect(wasmKernelsAvailable()).toBe(false);
    expect(M.instance()).toBeNull();
    setWasmKernelsEnabled(true);
    expect(wasmKernelsAvailable()).toBe(true);
  });
});
