-- CreateTable
CREATE TABLE "BulkAction" (
    "id" TEXT NOT NULL,
    "officialId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "tasks" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BulkAction_pkey" PRIMARY KEY ("id")
);
