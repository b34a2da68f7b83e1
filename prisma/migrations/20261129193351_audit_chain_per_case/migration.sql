-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "chain" TEXT;
ALTER TABLE "AuditEvent" ADD COLUMN "seq" INTEGER;

-- CreateTable
CREATE TABLE "AuditChain" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "seq" INTEGER NOT NULL,
    "hash" TEXT NOT NULL,
    "sealedSeq" INTEGER NOT NULL DEFAULT 0
);

-- CreateTable
CREATE TABLE "AuditSeal" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "at" DATETIME NOT NULL,
    "heads" TEXT NOT NULL,
    "prevHash" TEXT NOT NULL,
    "hash" TEXT NOT NULL
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Case" (
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
    "closedAt" DATETIME,
    "auditSeq" INTEGER NOT NULL DEFAULT 0,
    "auditHash" TEXT NOT NULL DEFAULT '',
    "auditSealedSeq" INTEGER NOT NULL DEFAULT 0
);
INSERT INTO "new_Case" ("closedAt", "code", "createdAt", "currentStepId", "data", "flowHash", "id", "officeId", "openedByOfficialId", "openerChannel", "openerChatId", "sopNumber", "status", "subjectOfficialId", "title", "updatedAt", "version", "visit") SELECT "closedAt", "code", "createdAt", "currentStepId", "data", "flowHash", "id", "officeId", "openedByOfficialId", "openerChannel", "openerChatId", "sopNumber", "status", "subjectOfficialId", "title", "updatedAt", "version", "visit" FROM "Case";
DROP TABLE "Case";
ALTER TABLE "new_Case" RENAME TO "Case";
CREATE UNIQUE INDEX "Case_code_key" ON "Case"("code");
CREATE INDEX "Case_officeId_status_idx" ON "Case"("officeId", "status");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE UNIQUE INDEX "AuditEvent_chain_seq_key" ON "AuditEvent"("chain", "seq");
