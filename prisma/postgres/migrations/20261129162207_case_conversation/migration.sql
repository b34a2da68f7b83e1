-- CreateTable
CREATE TABLE "CaseEntry" (
    "id" SERIAL NOT NULL,
    "caseId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "audience" TEXT NOT NULL,
    "authorOfficialId" TEXT,
    "authorLabel" TEXT NOT NULL,
    "text" TEXT,
    "fileId" TEXT,
    "taskId" TEXT,

    CONSTRAINT "CaseEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "CaseView" (
    "viewer" TEXT NOT NULL,
    "caseId" TEXT NOT NULL,
    "lastEntryId" INTEGER NOT NULL DEFAULT 0,
    "sentFileIds" TEXT NOT NULL DEFAULT '[]',
    "answersShown" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "CaseView_pkey" PRIMARY KEY ("viewer","caseId")
);

-- CreateIndex
CREATE INDEX "CaseEntry_caseId_id_idx" ON "CaseEntry"("caseId", "id");
