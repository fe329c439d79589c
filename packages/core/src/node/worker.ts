/**
 * The worker side of {@link ../node/parallel.ts}: solves one contiguous chunk of particles with the
 * library's own solvers and sends the result back. Not part of the public API.
 * @packageDocumentation
 */
import { parentPort } from "node:worker_threads";
import { createConstantNetwork, createScalarNetwork } from "../network.js";
import { forwardResnet } from "../ode.js";
import { solveChunk, solveSharedChunk, type ChunkRequest, type SharedChunkRequest } from "./chunk.js";

/**
 * Assemble and compile the kernels, and run them long enough for V8 to tier them up, before real
 * work (a few milliseconds; the pool's `ready()` waits for this).
 */
function warmUp(): void {
  const net1 = createScalarNetwork({ sigma: "tanh", w: -1, b: 0.1, T: 1, nLayers: 16 });
  forwardResnet(
    net1,
    Float64Array.from({ length: 65536 }, (_, i) => i / 65536),
  );
  const net2 = createConstantNetwork({ sigma: "tanh", d: 2, W: [-1, 0.5, -0.5, -1], b: [0.1, 0], T: 1, nLayers: 16 });
  forwardResnet(
    net2,
    Float64Array.from({ length: 65536 }, (_, i) => i / 65536),
  );
}

const port = parentPort;
if (port !== null) {
  port.on("message", (req: ChunkRequest | SharedChunkRequest | { kind: "ping"; id: number }) => {
    try {
      if (req.kind === "ping") {
        warmUp();
        port.postMessage({ id: req.id, ok: true });
        return;
      }
      const res = req.kind === "ode-shared" ? solveSharedChunk(req) : solveChunk(req);
      port.postMessage({ id: req.id, ok: true, res }, [res.x.buffer, res.saved.buffer] as unknown as readonly ArrayBuffer[]);
    } catch (e) {
      port.postMessage({
        id: req.id,
        ok: false,
        error: e instanceof Error ? { name: e.name, message: e.message, code: (e as { code?: unknown }).code } : { message: String(e) },
      });
    }
  });
}
