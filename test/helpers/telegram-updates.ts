// Telegram updates as the Bot API delivers them, for tests that drive the real bot process.

/** A private text message from `userId` (a command gets its bot_command entity). No update_id. */
export const textMessage = (userId: number, text: string, id: number) => ({
  message: {
    message_id: id,
    date: 0,
    chat: { id: userId, type: "private" as const, first_name: "Maria" },
    from: { id: userId, is_bot: false, first_name: "Maria" },
    text,
    ...(text.startsWith("/") ? { entities: [{ type: "bot_command" as const, offset: 0, length: text.split(" ")[0]?.length ?? 1 }] } : {}),
  },
});
