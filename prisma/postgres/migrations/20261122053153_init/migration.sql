-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateTable
CREATE TABLE "Office" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "shortName" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "flowHash" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Office_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Unit" (
    "id" TEXT NOT NULL,
    "officeId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "parentKey" TEXT,
    "sortOrder" INTEGER NOT NULL,

    CONSTRAINT "Unit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Position" (
    "id" TEXT NOT NULL,
    "officeId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "unitKey" TEXT NOT NULL,
    "superiorKey" TEXT,
    "kind" TEXT NOT NULL,
    "sortOrder" INTEGER NOT NULL,

    CONSTRAINT "Position_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Official" (
    "id" TEXT NOT NULL,
    "officeId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nip" TEXT,
    "isAdmin" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Official_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ChatIdentity" (
    "id" TEXT NOT NULL,
    "channel" TEXT NOT NULL,
    "externalId" TEXT NOT NULL,
    "alias" TEXT,
    "displayName" TEXT,
    "officialId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ChatIdentity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PositionHolding" (
    "id" TEXT NOT NULL,
    "officialId" TEXT NOT NULL,
    "positionId" TEXT NOT NULL,
    "startsOn" TIMESTAMP(3) NOT NULL,
    "endsOn" TIMESTAMP(3),

    CONSTRAINT "PositionHolding_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FlowSnapshot" (
    "hash" TEXT NOT NULL,
    "sopNumber" INTEGER NOT NULL,
    "content" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "FlowSnapshot_pkey" PRIMARY KEY ("hash")
);

-- CreateTable
CREATE TABLE "Case" (
    "id" TEXT NOT NULL,
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
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "Case_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StepTask" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "stepId" TEXT NOT NULL,
    "visit" INTEGER NOT NULL,
    "status" TEXT NOT NULL,
    "candidates" TEXT NOT NULL,
    "waitingFor" TEXT,
    "takenByOfficialId" TEXT,
    "openedAt" TIMESTAMP(3) NOT NULL,
    "dueAt" TIMESTAMP(3),
    "escalateAt" TIMESTAMP(3),
    "decidedByOfficialId" TEXT,
    "decision" TEXT,
    "note" TEXT,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "StepTask_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActionToken" (
    "token" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "visit" INTEGER NOT NULL,
    "action" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ActionToken_pkey" PRIMARY KEY ("token")
);

-- CreateTable
CREATE TABLE "PendingPrompt" (
    "chatKey" TEXT NOT NULL,
    "officialId" TEXT,
    "kind" TEXT NOT NULL,
    "token" TEXT,
    "caseId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PendingPrompt_pkey" PRIMARY KEY ("chatKey")
);

-- CreateTable
CREATE TABLE "InboundReceipt" (
    "channel" TEXT NOT NULL,
    "messageId" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "InboundReceipt_pkey" PRIMARY KEY ("channel","messageId")
);

-- CreateTable
CREATE TABLE "OutboxMessage" (
    "id" SERIAL NOT NULL,
    "channel" TEXT NOT NULL,
    "chatId" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "actions" TEXT,
    "caseId" TEXT,
    "taskId" TEXT,
    "editOfId" INTEGER,
    "fileIds" TEXT,
    "platformMessageId" TEXT,
    "dedupeKey" TEXT,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "sentAt" TIMESTAMP(3),
    "claimedBy" TEXT,
    "claimedUntil" TIMESTAMP(3),

    CONSTRAINT "OutboxMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StoredFile" (
    "id" TEXT NOT NULL,
    "caseId" TEXT,
    "taskId" TEXT,
    "channel" TEXT NOT NULL,
    "uploaderId" TEXT NOT NULL,
    "originalName" TEXT NOT NULL,
    "mime" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StoredFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Deadline" (
    "id" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "taskId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "firedAt" TIMESTAMP(3),

    CONSTRAINT "Deadline_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DigestSent" (
    "officialId" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "sentAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "DigestSent_pkey" PRIMARY KEY ("officialId","date")
);

-- CreateTable
CREATE TABLE "Delegation" (
    "id" TEXT NOT NULL,
    "officeId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "absentOfficialId" TEXT NOT NULL,
    "deputyOfficialId" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "createdByOfficialId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "appliedAt" TIMESTAMP(3),
    "revertedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),

    CONSTRAINT "Delegation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "EnrolmentCode" (
    "id" TEXT NOT NULL,
    "officialId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "EnrolmentCode_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" SERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "caseId" TEXT,
    "stepId" TEXT,
    "actorOfficialId" TEXT,
    "actorLabel" TEXT NOT NULL,
    "actingAs" TEXT,
    "action" TEXT NOT NULL,
    "note" TEXT,
    "flowHash" TEXT,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditHead" (
    "id" INTEGER NOT NULL,
    "lastId" INTEGER NOT NULL,
    "lastHash" TEXT NOT NULL,

    CONSTRAINT "AuditHead_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WhatsAppAuth" (
    "account" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "WhatsAppAuth_pkey" PRIMARY KEY ("account","key")
);

-- CreateTable
CREATE TABLE "FormSession" (
    "chatKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "formId" TEXT,
    "formHash" TEXT,
    "caseId" TEXT,
    "state" TEXT NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FormSession_pkey" PRIMARY KEY ("chatKey")
);

-- CreateTable
CREATE TABLE "Employee" (
    "id" TEXT NOT NULL,
    "officeId" TEXT NOT NULL,
    "nip" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "positionTitle" TEXT NOT NULL,
    "positionKind" TEXT NOT NULL,
    "grade" TEXT,
    "initialGrade" TEXT,
    "birthDate" TEXT NOT NULL,
    "tmtCpns" TEXT NOT NULL,
    "gender" TEXT NOT NULL,
    "lastKgb" TEXT,
    "lastPromotion" TEXT,
    "retirementAgeOverride" INTEGER,
    "nextKgbOverride" TEXT,
    "nextPromotionOverride" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "importedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Employee_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StaffMilestone" (
    "employeeId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "tmt" TEXT NOT NULL,
    "milestone" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "caseId" TEXT,
    "at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StaffMilestone_pkey" PRIMARY KEY ("employeeId","kind","tmt","milestone")
);

-- CreateTable
CREATE TABLE "Lease" (
    "key" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "acquiredAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Lease_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "Unit_officeId_key_key" ON "Unit"("officeId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "Position_officeId_key_key" ON "Position"("officeId", "key");

-- CreateIndex
CREATE INDEX "Official_officeId_idx" ON "Official"("officeId");

-- CreateIndex
CREATE INDEX "ChatIdentity_channel_alias_idx" ON "ChatIdentity"("channel", "alias");

-- CreateIndex
CREATE UNIQUE INDEX "ChatIdentity_channel_externalId_key" ON "ChatIdentity"("channel", "externalId");

-- CreateIndex
CREATE INDEX "PositionHolding_positionId_idx" ON "PositionHolding"("positionId");

-- CreateIndex
CREATE INDEX "PositionHolding_officialId_idx" ON "PositionHolding"("officialId");

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
CREATE INDEX "OutboxMessage_channel_chatId_status_id_idx" ON "OutboxMessage"("channel", "chatId", "status", "id");

-- CreateIndex
CREATE INDEX "OutboxMessage_taskId_idx" ON "OutboxMessage"("taskId");

-- CreateIndex
CREATE INDEX "StoredFile_caseId_idx" ON "StoredFile"("caseId");

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

-- CreateIndex
CREATE UNIQUE INDEX "Employee_officeId_nip_key" ON "Employee"("officeId", "nip");

-- CreateIndex
CREATE INDEX "Lease_expiresAt_idx" ON "Lease"("expiresAt");

-- AddForeignKey
ALTER TABLE "Unit" ADD CONSTRAINT "Unit_officeId_fkey" FOREIGN KEY ("officeId") REFERENCES "Office"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Position" ADD CONSTRAINT "Position_officeId_fkey" FOREIGN KEY ("officeId") REFERENCES "Office"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Official" ADD CONSTRAINT "Official_officeId_fkey" FOREIGN KEY ("officeId") REFERENCES "Office"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChatIdentity" ADD CONSTRAINT "ChatIdentity_officialId_fkey" FOREIGN KEY ("officialId") REFERENCES "Official"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PositionHolding" ADD CONSTRAINT "PositionHolding_officialId_fkey" FOREIGN KEY ("officialId") REFERENCES "Official"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PositionHolding" ADD CONSTRAINT "PositionHolding_positionId_fkey" FOREIGN KEY ("positionId") REFERENCES "Position"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StepTask" ADD CONSTRAINT "StepTask_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "Case"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
