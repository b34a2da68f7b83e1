-- DropIndex
DROP INDEX "OutboxMessage_channel_chatId_idx";

-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "claimedBy" TEXT;
ALTER TABLE "OutboxMessage" ADD COLUMN "claimedUntil" DATETIME;

-- CreateTable
CREATE TABLE "Lease" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "holder" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "acquiredAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "Lease_expiresAt_idx" ON "Lease"("expiresAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_channel_chatId_status_id_idx" ON "OutboxMessage"("channel", "chatId", "status", "id");
