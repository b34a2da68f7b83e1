-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "editOfId" INTEGER;
ALTER TABLE "OutboxMessage" ADD COLUMN "fileIds" TEXT;
ALTER TABLE "OutboxMessage" ADD COLUMN "platformMessageId" TEXT;
ALTER TABLE "OutboxMessage" ADD COLUMN "taskId" TEXT;

-- CreateTable
CREATE TABLE "StoredFile" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT,
    "taskId" TEXT,
    "channel" TEXT NOT NULL,
    "uploaderId" TEXT NOT NULL,
    "originalName" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "StoredFile_caseId_idx" ON "StoredFile"("caseId");

-- CreateIndex
CREATE INDEX "OutboxMessage_taskId_idx" ON "OutboxMessage"("taskId");
