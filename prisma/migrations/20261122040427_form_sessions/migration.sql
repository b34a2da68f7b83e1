-- CreateTable
CREATE TABLE "FormSession" (
    "chatKey" TEXT NOT NULL PRIMARY KEY,
    "kind" TEXT NOT NULL,
    "formId" TEXT,
    "formHash" TEXT,
    "caseId" TEXT,
    "state" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL,
    "updatedAt" DATETIME NOT NULL
);
