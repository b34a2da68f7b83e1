-- CreateTable
CREATE TABLE "FlowSnapshot" (
    "hash" TEXT NOT NULL PRIMARY KEY,
    "sopNumber" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "Case" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "code" TEXT NOT NULL,
    "officeId" TEXT NOT NULL,
    "sopNumber" INTEGER NOT NULL,
    "flowHash" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "currentStepId" TEXT,
    "visit" INTEGER NOT NULL DEFAULT 0,
    "version" INTEGER NOT NULL DEFAULT 0,
    "openedByOfficialId" TEXT,
    "openerChannel" TEXT,
    "openerChatId" TEXT,
    "subjectOfficialId" TEXT,
    "data" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL,
    "closedAt" DATETIME
);

-- CreateTable
CREATE TABLE "StepTask" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "visit" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "candidates" TEXT NOT NULL,
    "waitingFor" TEXT,
    "takenByOfficialId" TEXT,
    "openedAt" DATETIME NOT NULL,
    "dueAt" DATETIME,
    "escalateAt" DATETIME,
    "decidedByOfficialId" TEXT,
    "decision" TEXT,
    "note" TEXT,
    "closedAt" DATETIME,
    CONSTRAINT "StepTask_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "ActionToken" (
    "token" TEXT NOT NULL PRIMARY KEY,
    "taskId" TEXT NOT NULL,
    "visit" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "PendingPrompt" (
    "chatKey" TEXT NOT NULL PRIMARY KEY,
    "officialId" TEXT,
    "kind" TEXT NOT NULL,
    "token" TEXT,
    "caseId" TEXT,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "InboundReceipt" (
    "channel" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "receivedAt" DATETIME NOT NULL,

    PRIMARY KEY ("channel", "messageId")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "actions" TEXT,
    "caseId" TEXT,
    "dedupeKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" DATETIME NOT NULL,
    "lastError" TEXT,
    "createdAt" DATETIME NOT NULL,
    "sentAt" DATETIME
);

-- CreateTable
CREATE TABLE "Deadline" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "caseId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dueAt" DATETIME NOT NULL,
    "firedAt" DATETIME
);

-- CreateTable
CREATE TABLE "DigestSent" (
    "officialId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "sentAt" DATETIME NOT NULL,

    PRIMARY KEY ("officialId", "date")
);

-- CreateTable
CREATE TABLE "Delegation" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "officeId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "absentOfficialId" TEXT NOT NULL,
    "deputyOfficialId" TEXT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "reason" TEXT NOT NULL,
    "createdByOfficialId" TEXT,
    "createdAt" DATETIME NOT NULL,
    "appliedAt" DATETIME,
    "revertedAt" DATETIME,
    "endedAt" DATETIME
);

-- CreateTable
CREATE TABLE "EnrolmentCode" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "officialId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "expiresAt" DATETIME NOT NULL,
    "usedAt" DATETIME,
    "createdAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "caseId" TEXT,
    "stepId" TEXT,
    "actorOfficialId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "actingAs" TEXT,
    "action" TEXT NOT NULL,
    "note" TEXT,
    "flowHash" TEXT,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);

-- CreateTable
CREATE TABLE "AuditHead" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "lastId" INTEGER NOT NULL,
    "lastHash" TEXT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "Case_code_key" ON "Case"("code");

-- CreateIndex
CREATE INDEX "Case_officeId_status_idx" ON "Case"("officeId", "status");

-- CreateIndex
CREATE INDEX "StepTask_status_idx" ON "StepTask"("status");

-- CreateIndex
CREATE UNIQUE INDEX "StepTask_caseId_visit_key" ON "StepTask"("caseId", "visit");

-- CreateIndex
CREATE INDEX "ActionToken_taskId_idx" ON "ActionToken"("taskId");

-- CreateIndex
CREATE UNIQUE INDEX "OutboxMessage_dedupeKey_key" ON "OutboxMessage"("dedupeKey");

-- CreateIndex
CREATE INDEX "OutboxMessage_status_nextAttemptAt_idx" ON "OutboxMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "OutboxMessage_channel_chatId_idx" ON "OutboxMessage"("channel", "chatId");

-- CreateIndex
CREATE INDEX "Deadline_firedAt_dueAt_idx" ON "Deadline"("firedAt", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "Deadline_taskId_kind_key" ON "Deadline"("taskId", "kind");

-- CreateIndex
CREATE INDEX "Delegation_officeId_idx" ON "Delegation"("officeId");

-- CreateIndex
CREATE UNIQUE INDEX "EnrolmentCode_codeHash_key" ON "EnrolmentCode"("codeHash");

-- CreateIndex
CREATE INDEX "AuditEvent_caseId_idx" ON "AuditEvent"("caseId");
