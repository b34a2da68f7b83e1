// A Bot API stand-in for grammY: every call is captured and answered like Telegram would, and
// failures (429 with retry_after, 5xx, 403) can be queued per method. Updates are built here too.
import { createServer, type Server } from "node:http";
import type { Transformer } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";

export const botInfo: UserFromGetMe = {
  id: 42,
  is_bot: true,
  first_name: "SOP Bot",
  username: "sopbot_test_bot",
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
} as UserFromGetMe;

export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
  /** False when the stand-in answered with a queued failure. */
  ok: boolean;
}

export interface ApiFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number };
}

export function fakeBotApi() {
  const calls: ApiCall[] = [];
  const failures = new Map<string, ApiFailure[]>();
  let messageId = 1000;
  const transformer: Transformer = async (_prev, method, payload) => {
    const p = (payload ?? {}) as Record<string, unknown>;
    const failure = failures.get(method)?.shift();
    calls.push({ method, payload: p, ok: !failure });
    if (failure) return { ok: false, ...failure } as never;
    const chat = { id: Number(p["chat_id"]), type: "private", first_name: "x" };
    switch (method) {
      case "sendMessage":
        return { ok: true, result: { message_id: ++messageId, date: 0, chat, text: p["text"] } } as never;
      case "sendDocument":
        return {
          ok: true,
          result: { message_id: ++messageId, date: 0, chat, document: { file_id: "sent", file_unique_id: "sent" } },
        } as never;
      case "getFile":
        return {
          ok: true,
          result: {
            file_id: p["file_id"],
            file_unique_id: `u-${String(p["file_id"])}`,
            file_size: 10,
            file_path: `documents/${String(p["file_id"])}`,
          },
        } as never;
      case "getMe":
        return { ok: true, result: botInfo } as never;
      default:
        return { ok: true, result: true } as never;
    }
  };
  return {
    calls,
    transformer,
    fail(method: string, times: number, failure: ApiFailure) {
      failures.set(method, [...(failures.get(method) ?? []), ...Array.from({ length: times }, () => failure)]);
    },
    sentTo(chatId: number) {
      return calls.filter((c) => c.ok && c.method === "sendMessage" && String(c.payload["chat_id"]) === String(chatId));
    },
    clear() {
      calls.length = 0;
    },
  };
}

/** Serves file downloads at /file/bot<token>/<path> on loopback, like the Bot API does. */
export async function fileServer(files: Map<string, Buffer>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const key = (req.url ?? "").replace(/^\/file\/bot[^/]+\//, "");
    const body = files.get(key);
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let updateId = 1;
const user = (id: number, name: string) => ({ id, is_bot: false, first_name: name });
const chat = (id: number, name: string) => ({ id, type: "private" as const, first_name: name });

export function textUpdate(userId: number, text: string, name = "Pengguna"): Update {
  const id = updateId++;
  const command = text.startsWith("/") ? [{ type: "bot_command" as const, offset: 0, length: text.split(" ")[0]?.length ?? 1 }] : undefined;
  return {
    update_id: id,
    message: {
      message_id: id,
      date: 0,
      chat: chat(userId, name),
      from: user(userId, name),
      text,
      ...(command ? { entities: command } : {}),
    },
  } as Update;
}

export function callbackUpdate(userId: number, data: string, messageId: number, name = "Pengguna"): Update {
  const id = updateId++;
  return {
    update_id: id,
    callback_query: {
      id: `cq${id}`,
      from: user(userId, name),
      chat_instance: "ci",
      data,
      message: { message_id: messageId, date: 0, chat: chat(userId, name), text: "" },
    },
  } as Update;
}

export function photoUpdate(userId: number, fileId: string, size: number): Update {
  const id = updateId++;
  return {
    update_id: id,
    message: {
      message_id: id,
      date: 0,
      chat: chat(userId, "x"),
      from: user(userId, "x"),
      photo: [
        { file_id: `${fileId}-small`, file_unique_id: "s", width: 90, height: 90, file_size: 100 },
        { file_id: fileId, file_unique_id: fileId, width: 800, height: 800, file_size: size },
      ],
    },
  } as Update;
}

export function documentUpdate(userId: number, fileId: string, fileName: string, size: number): Update {
  const id = updateId++;
  return {
    update_id: id,
    message: {
      message_id: id,
      date: 0,
      chat: chat(userId, "x"),
      from: user(userId, "x"),
      document: { file_id: fileId, file_unique_id: fileId, file_name: fileName, file_size: size },
    },
  } as Update;
}
