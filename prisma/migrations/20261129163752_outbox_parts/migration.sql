-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_OutboxMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "actions" TEXT,
    "caseId" TEXT,
    "taskId" TEXT,
    "editOfId" INTEGER,
    "fileIds" TEXT,
    "platformMessageId" TEXT,
    "partsSent" INTEGER NOT NULL DEFAULT 0,
    "dedupeKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL,
    "sentAt" DATETIME,
    "claimedBy" TEXT,
    "claimedUntil" DATETIME
);
INSERT INTO "new_OutboxMessage" ("actions", "attempts", "caseId", "channel", "chatId", "claimedBy", "claimedUntil", "createdAt", "dedupeKey", "editOfId", "fileIds", "id", "lastError", "nextAttemptAt", "platformMessageId", "sentAt", "status", "taskId", "text") SELECT "actions", "attempts", "caseId", "channel", "chatId", "claimedBy", "claimedUntil", "createdAt", "dedupeKey", "editOfId", "fileIds", "id", "lastError", "nextAttemptAt", "platformMessageId", "sentAt", "status", "taskId", "text" FROM "OutboxMessage";
DROP TABLE "OutboxMessage";
ALTER TABLE "new_OutboxMessage" RENAME TO "OutboxMessage";
CREATE UNIQUE INDEX "OutboxMessage_dedupeKey_key" ON "OutboxMessage"("dedupeKey");
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");
CREATE INDEX "OutboxMessage_channel_chatId_status_id_idx" ON "OutboxMessage"("channel", "chatId", "status", "id");
CREATE INDEX "OutboxMessage_taskId_idx" ON "OutboxMessage"("taskId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
