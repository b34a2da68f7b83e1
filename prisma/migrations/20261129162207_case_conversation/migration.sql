-- CreateTable
CREATE TABLE "CaseEntry" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "caseId" TEXT NOT NULL,
    "at" DATETIME NOT NULL,
    "kind" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "authorOfficialId" TEXT,
    "authorLabel" TEXT NOT NULL,
    "text" TEXT,
    "fileId" TEXT,
    "taskId" TEXT
);

-- CreateTable
CREATE TABLE "CaseView" (
    "viewer" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "lastEntryId" INTEGER NOT NULL DEFAULT 0,
    "sentFileIds" TEXT NOT NULL DEFAULT '[]',
    "answersShown" BOOLEAN NOT NULL DEFAULT false,

    PRIMARY KEY ("viewer", "caseId")
);

-- CreateIndex
CREATE INDEX "CaseEntry_caseId_id_idx" ON "CaseEntry"("caseId", "id");
