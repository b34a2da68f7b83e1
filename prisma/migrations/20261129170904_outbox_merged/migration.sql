-- AlterTable
ALTER TABLE "OutboxMessage" ADD COLUMN "mergedIntoId" INTEGER;
