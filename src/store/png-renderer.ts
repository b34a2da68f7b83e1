// Rasterizes SVG charts to PNG in a separate renderer process (png-render-process.ts), started on
// the first drawing and let go after a while without one. The native renderer's allocations (its
// code, the fonts, the memory each drawing took) then never stay in the bot's resident memory, and
// a drawing that crashes or hangs takes down only the renderer: the request fails and the next one
// starts a fresh process.
import { fork, type ChildProcess } from "node:child_process";
import { setPriority } from "node:os";
import { fileURLToPath } from "node:url";
import { compiledScript } from "./compiled-script.ts";
import type { RenderReply, RenderRequest } from "./png-render-process.ts";

export interface PngRendererOptions {
  /** The renderer process exits after this long without a drawing (ms). */
  idleMs?: number;
  /** A drawing taking longer fails, and its renderer process is stopped (ms). */
  timeoutMs?: number;
}

export interface PngRenderer {
  render(svg: string): Promise<Buffer>;
  /** Stops the renderer process, if one runs. */
  close(): Promise<void>;
  /** The renderer process's id while one runs (tests). */
  pid(): number | undefined;
}

interface Pending {
  child: ChildProcess;
  resolve(png: Buffer): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/**
 * The renderer's script: the compiled one (in dist/, also when running from the TypeScript sources,
 * as the XLSX worker does: a plain Node process starts several times faster); from sources never
 * built, the .ts file through tsx.
 */
function processScript(): { file: string; execArgv: string[] } {
  const built = compiledScript(import.meta.url, "png-render-process.js");
  if (built) return { file: built, execArgv: [] };
  return { file: fileURLToPath(new URL("./png-render-process.ts", import.meta.url)), execArgv: ["--import", "tsx"] };
}

export function createPngRenderer(options: PngRendererOptions = {}): PngRenderer {
  const idleMs = options.idleMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 60_000;
  const pending = new Map<number, Pending>();
  let child: ChildProcess | undefined;
  let idle: NodeJS.Timeout | undefined;
  let nextId = 0;

  const failAll = (of: ChildProcess, error: Error) => {
    for (const [id, p] of pending)
      if (p.child === of) {
        clearTimeout(p.timer);
        pending.delete(id);
        p.reject(error);
      }
  };
  // While nothing is being drawn the renderer keeps neither the bot (a CLI ends when its work is
  // done) nor itself alive for long.
  const quiet = () => {
    if (!child || [...pending.values()].some((p) => p.child === child)) return;
    child.unref();
    child.channel?.unref();
    idle = setTimeout(() => void stop(), idleMs).unref();
  };
  const start = (): ChildProcess => {
    const script = processScript();
    const started = fork(script.file, [], {
      execArgv: script.execArgv,
      serialization: "advanced",
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    });
    // Drawing is background work: the presses and replies of the bot come first on a busy machine.
    if (started.pid !== undefined) {
      try {
        setPriority(started.pid, 10);
      } catch {
        // Not allowed here (some containers): it draws at the bot's priority.
      }
    }
    started.on("message", (reply: RenderReply) => {
      const p = pending.get(reply.id);
      if (!p) return;
      clearTimeout(p.timer);
      pending.delete(reply.id);
      if ("png" in reply) p.resolve(Buffer.from(reply.png.buffer, reply.png.byteOffset, reply.png.byteLength));
      else p.reject(new Error(`drawing the PNG failed: ${reply.error}`));
      quiet();
    });
    const gone = (why: string) => {
      if (child === started) child = undefined;
      failAll(started, new Error(`the PNG renderer ${why}`));
    };
    started.on("exit", (code, signal) => gone(`exited (${signal ?? code})`));
    started.on("error", (error) => gone(`failed: ${error.message}`));
    return started;
  };
  const stop = async (): Promise<void> => {
    clearTimeout(idle);
    const running = child;
    if (!running) return;
    child = undefined;
    if (running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once("exit", () => resolve()));
    // Waited for: whoever closes goes on only once it is gone.
    running.ref();
    if (running.connected) running.disconnect();
    else running.kill();
    // It leaves on its own once disconnected; one stuck in a drawing is stopped.
    const stuck = setTimeout(() => running.kill("SIGKILL"), 2_000).unref();
    await exited;
    clearTimeout(stuck);
  };

  return {
    render(svg) {
      clearTimeout(idle);
      child ??= start();
      const to = child;
      to.ref();
      to.channel?.ref();
      const id = ++nextId;
      return new Promise<Buffer>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`drawing the PNG took longer than ${timeoutMs} ms`));
          // The renderer is stuck in that drawing: the others it holds fail with it, the next starts anew.
          if (child === to) child = undefined;
          to.kill("SIGKILL");
        }, timeoutMs);
        pending.set(id, { child: to, resolve, reject, timer });
        const request: RenderRequest = { id, svg };
        to.send(request, (error) => {
          if (error) failAll(to, new Error(`the PNG renderer did not take the drawing: ${error.message}`));
        });
      });
    },
    close: stop,
    pid: () => child?.pid,
  };
}

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png: Buffer): { width: number; height: number } {
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}
