// Plain HTTP for a load balancer, systemd or Prometheus: GET /healthz (the process is alive and
// answers), /readyz (200 when ready, 503 with what is not), /metrics (Prometheus text). JSON bodies
// but for /metrics; nothing else is served.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Registry } from "prom-client";
import { errorInfo } from "../engine/error-info.ts";
import type { EventLog } from "../engine/ports.ts";
import type { Readiness } from "./readiness.ts";

export interface HealthServerOptions {
  host: string;
  /** 0: any free port (see `address`). */
  port: number;
  readiness(): Promise<Readiness>;
  registry: Registry;
  log: EventLog;
}

export interface HealthServer {
  /** Where it listens. */
  address: { host: string; port: number };
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown, head: boolean): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(head ? undefined : text);
}

export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const startedAt = Date.now();
  const answer = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0];
    const head = req.method === "HEAD";
    if (req.method !== "GET" && !head) {
      res.writeHead(405, { allow: "GET, HEAD" }).end();
      return;
    }
    if (path === "/healthz") json(res, 200, { status: "ok", uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }, head);
    else if (path === "/readyz") {
      const readiness = await options.readiness();
      json(res, readiness.status === "ready" ? 200 : 503, readiness, head);
    } else if (path === "/metrics") {
      const text = await options.registry.metrics();
      res.writeHead(200, { "content-type": options.registry.contentType, "cache-control": "no-store" });
      res.end(head ? undefined : text);
    } else json(res, 404, { status: "not found", paths: ["/healthz", "/readyz", "/metrics"] }, head);
  };
  const server = createServer((req, res) => {
    answer(req, res).catch((error: unknown) => {
      options.log.warn(errorInfo(error), "health endpoint failed");
      if (!res.headersSent) json(res, 500, { status: "error" }, false);
      else res.end();
    });
  });
  server.requestTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = server.address();
  if (!bound || typeof bound === "string") throw new Error("The health server is not on a TCP port.");
  return {
    address: { host: bound.address, port: bound.port },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
