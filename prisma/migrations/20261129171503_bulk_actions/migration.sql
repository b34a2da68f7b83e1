-- CreateTable
CREATE TABLE "BulkAction" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "officialId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "tasks" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL
);
